import type { MethodOutput } from '../../../shared/contract/methods.js';
import { BadRequestError } from '../errors.js';
import { readSetup } from '../setup-state.js';
import { runDoctor } from '../vault/doctor.js';
import type { AppCore } from './app-core.js';
import type { HandlerGroup } from './handlers.js';

type VaultMethods =
  | 'vault.status'
  | 'vault.create'
  | 'vault.unlock'
  | 'vault.recover'
  | 'vault.lock'
  | 'vault.changePassword'
  | 'vault.regenerateRecoveryKey'
  | 'vault.setUnattended'
  | 'audit.page'
  | 'audit.verify'
  | 'vault.doctor';

const done = { ok: true } as const;

/** Sign-ins that come over the network (the runner's HTTP and WebSocket): two-step sign-in applies. */
const REMOTE_TRANSPORTS: ReadonlySet<string> = new Set(['http', 'ws']);

/** What a locked UI may know too: whether warnings and deliveries run; the first run's step once unlocked. */
function vaultStatus(app: AppCore, retryAfterMs: number): MethodOutput<'vault.status'> {
  const vault = app.vaultOrThrow();
  return {
    exists: true,
    unlocked: app.isUiUnlocked,
    retryAfterMs,
    unattended: vault.deviceKeyStatus(),
    watching: app.isWatching,
    setupStep: app.isUiUnlocked ? readSetup(app.unlockedServices().settings).step : null,
  };
}

export const vaultHandlers: HandlerGroup<VaultMethods> = {
  'vault.status': async (_input, { app }) => {
    if (!app.exists())
      return {
        exists: false,
        unlocked: false,
        retryAfterMs: 0,
        unattended: { enabled: false, backend: null },
        watching: false,
        setupStep: null,
      };
    const vault = await app.open().catch((error: unknown) => {
      if (app.olderCopy === null) throw error;
      return null;
    });
    // Older than this machine last saw: the unlock screen explains and offers to open it anyway.
    if (!vault)
      return {
        exists: true,
        unlocked: false,
        retryAfterMs: 0,
        unattended: { enabled: false, backend: null },
        watching: false,
        setupStep: null,
        olderCopy: app.olderCopy!,
      };
    return vaultStatus(app, vault.guard.state().retryAfterMs);
  },
  'vault.create': async ({ password }, { app }) => {
    if (app.exists()) throw new BadRequestError('a vault exists already: unlock it instead');
    return { recoveryKey: await app.create(password) };
  },
  'vault.unlock': async ({ password, code, acceptOlderVault }, { app, caller }) => {
    await app.unlock(password, {
      remote: REMOTE_TRANSPORTS.has(caller.transport) ? { code } : undefined,
      acceptOlderVault,
    });
    return done;
  },
  'vault.recover': async ({ recoveryKey, newPassword }, { app }) => {
    await app.recover(recoveryKey, newPassword);
    return done;
  },
  'vault.lock': (_input, { app }) => {
    app.lock();
    return done;
  },
  'vault.changePassword': async ({ currentPassword, newPassword }, { app }) => {
    app.unlockedServices();
    await app.vaultOrThrow().changePassword(currentPassword, newPassword);
    return done;
  },
  'vault.regenerateRecoveryKey': async ({ password }, { app }) => {
    const { vault } = app.unlockedServices();
    await vault.verifyPassword(password);
    const recoveryKey = vault.regenerateRecoveryKey();
    // During the first run (a restart lost the key shown) the new key is the one to confirm.
    if (!readSetup(app.unlockedServices().settings).recoveryKeyConfirmed) app.pendingRecoveryKey = recoveryKey;
    return { recoveryKey };
  },
  'vault.setUnattended': async ({ enabled }, { app }) => {
    const { vault } = app.unlockedServices();
    if (enabled) await vault.enableDeviceKey(app.deps.keyStore);
    else await vault.disableDeviceKey(app.deps.keyStore);
    return vaultStatus(app, 0);
  },
  'audit.page': ({ beforeSeq, limit }, { app }) => {
    const { vault } = app.unlockedServices();
    const rows = vault.audit.page({ beforeSeq, limit });
    return {
      rows: rows.map((r) => ({
        seq: r.seq,
        at: r.at,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      })),
    };
  },
  'audit.verify': (_input, { app }) => {
    const problems = app.unlockedServices().vault.audit.verify();
    return { ok: problems.length === 0, problems };
  },
  'vault.doctor': (_input, { app }) => runDoctor(app.unlockedServices()),
};
