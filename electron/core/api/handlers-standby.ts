import { StandbyService } from '../standby/standby-service.js';
import { AfterwordError } from '../errors.js';
import type { AppCore } from './app-core.js';
import type { HandlerGroup } from './handlers.js';

type StandbyMethods = 'standby.list' | 'standby.add' | 'standby.remove';

function standbys(app: AppCore): StandbyService {
  const stores = app.deps.objectStores;
  if (!stores) throw new AfterwordError('BACKUP_NOT_CONFIGURED', 'this program cannot reach a backup bucket');
  return new StandbyService(app.unlockedServices(), stores);
}

/** Pairing standby machines with the backup bucket. */
export const standbyHandlers: HandlerGroup<StandbyMethods> = {
  'standby.list': (_input, { app }) => standbys(app).list(),
  'standby.add': async ({ name, code }, { app }) => ({ standby: await standbys(app).add(name, code) }),
  'standby.remove': async ({ name }, { app }) => {
    await standbys(app).remove(name);
    return { ok: true };
  },
};
