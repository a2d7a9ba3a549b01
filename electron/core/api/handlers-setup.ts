import type { MethodOutput } from '../../../shared/contract/methods.js';
import { advanceSetup, confirmRecoveryKey, readSetup } from '../setup-state.js';
import type { AppCore } from './app-core.js';
import type { HandlerGroup } from './handlers.js';

type SetupMethods = 'setup.get' | 'setup.confirmRecoveryKey' | 'setup.advance';

function setupState(app: AppCore): MethodOutput<'setup.get'> {
  const summary = readSetup(app.unlockedServices().settings);
  return {
    ...summary,
    recoveryKey: summary.recoveryKeyConfirmed ? null : app.pendingRecoveryKey,
    vaultDir: app.deps.vaultDir,
  };
}

/** The first run's progress, kept in the vault so a refresh (or Back, or a crash) resumes it. */
export const setupHandlers: HandlerGroup<SetupMethods> = {
  'setup.get': (_input, { app }) => setupState(app),
  'setup.confirmRecoveryKey': ({ group, value }, { app }) => {
    const { settings, clock } = app.unlockedServices();
    confirmRecoveryKey(settings, app.pendingRecoveryKey, group, value, clock.now());
    app.pendingRecoveryKey = null; // confirmed: the key leaves memory
    return setupState(app);
  },
  'setup.advance': ({ to }, { app }) => {
    advanceSetup(app.unlockedServices().settings, to);
    return setupState(app);
  },
};
