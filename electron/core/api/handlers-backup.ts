import { BackupService } from '../backup/backup-service.js';
import { AfterwordError } from '../errors.js';
import type { AppCore } from './app-core.js';
import type { HandlerGroup } from './handlers.js';

type BackupMethods =
  | 'backup.getTarget'
  | 'backup.setTarget'
  | 'backup.removeTarget'
  | 'backup.test'
  | 'backup.now'
  | 'backup.list'
  | 'backup.verify'
  | 'backup.prune';

function backups(app: AppCore): BackupService {
  const stores = app.deps.objectStores;
  if (!stores) throw new AfterwordError('BACKUP_NOT_CONFIGURED', 'this program cannot reach a backup bucket');
  return new BackupService(app.unlockedServices(), stores);
}

/** Encrypted backups to an S3-compatible bucket; events are emitted here, once. */
export const backupHandlers: HandlerGroup<BackupMethods> = {
  'backup.getTarget': (_input, { app }) => ({ target: backups(app).target() }),
  'backup.setTarget': (input, { app }) => ({ target: backups(app).setTarget(input) }),
  'backup.removeTarget': (_input, { app }) => {
    backups(app).removeTarget();
    return { ok: true };
  },
  'backup.test': (_input, { app }) => backups(app).test(),
  'backup.now': async (_input, { app }) => {
    // Every few objects: a large first push must not flood a UI connection with events.
    const { snapshotId, seq, objectsUploaded, bytesUploaded, bytesSkipped, size } = await backups(app).now(
      (progress) => {
        if (progress.objectsUploaded % 8 === 1) app.events.emit('backup.progress', { ...progress });
      },
    );
    return { snapshotId, seq, objectsUploaded, bytesUploaded, bytesSkipped, size };
  },
  'backup.list': async (_input, { app }) => ({ snapshots: await backups(app).list() }),
  'backup.verify': ({ snapshot }, { app }) => backups(app).verify(snapshot),
  'backup.prune': ({ keep }, { app }) => backups(app).prune(keep),
};
