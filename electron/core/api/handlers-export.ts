import { AfterwordError } from '../errors.js';
import type { HandlerGroup } from './handlers.js';

type ExportMethods = 'backup.exportBegin' | 'backup.exportChunk' | 'backup.exportCancel';

const notYet = (): never => {
  throw new AfterwordError('BACKUP_NOT_CONFIGURED', 'the export is not built yet');
};

/** The age-encrypted export, fetched in chunks. */
export const exportHandlers: HandlerGroup<ExportMethods> = {
  'backup.exportBegin': notYet,
  'backup.exportChunk': notYet,
  'backup.exportCancel': notYet,
};
