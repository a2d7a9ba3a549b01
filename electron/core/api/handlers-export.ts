import type { HandlerGroup } from './handlers.js';

type ExportMethods = 'backup.exportBegin' | 'backup.exportChunk' | 'backup.exportCancel';

/** The age-encrypted export, written by the core and fetched in chunks (see exports.ts). */
export const exportHandlers: HandlerGroup<ExportMethods> = {
  'backup.exportBegin': (input, { app }) => app.exports.begin(input),
  'backup.exportChunk': ({ exportId, index }, { app }) => app.exports.chunk(exportId, index),
  'backup.exportCancel': async ({ exportId }, { app }) => {
    await app.exports.cancel(exportId);
    return { ok: true };
  },
};
