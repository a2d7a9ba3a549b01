import { AppCore, type AppCoreDeps } from '../../core/api/app-core.js';
import type { AppScheduler, AppSchedulerOptions } from '../../core/api/app-scheduler.js';
import type { Caller, EventListener } from '../../core/api/router-types.js';
import { checkinLinkPort } from '../../core/api/checkin-links.js';
import { NoKeyringError } from '../../core/vault/vault-errors.js';
import type { Vault } from '../../core/vault/vault.js';
import type { DeviceKeyStoreChoice } from '../../node/device-key-store.js';
import { collectYoungGenerationNow } from '../../node/young-generation.js';
import { signInWithSession, type SessionSignIn } from './session-sign-in.js';

/**
 * How a command proves that the owner is at the keyboard before the core answers it:
 * - `password` (the default): AFTERWORD_PASSWORD or a prompt, as the UI's sign-in;
 * - `unattended` (the scheduler's commands: tick, status, checkin…): AFTERWORD_PASSWORD when
 *   given, else the device key when unattended delivery is on (so system cron can run
 *   `afterword tick`), else the password;
 * - both: first the session of `afterword unlock` when AFTERWORD_SESSION is set (not for a
 *   command that took the password itself: `passwd`, `unlock`), see signInWithSession;
 * - `recoveryKey`: the recovery key instead of the password (the emergency stop);
 * - `creating`: the vault does not exist yet; whoever creates it (vault.create) is its owner;
 * - `none`: nothing; only the contract's public methods answer (vault.status, vault.create,
 *   vault.recover).
 */
export type Access =
  | { by: 'password'; password?: string }
  | { by: 'unattended' }
  | { by: 'recoveryKey'; recoveryKey: string }
  | { by: 'creating' }
  | { by: 'none' };

/** The scheduler's commands run from cron too: the device key stands in for the password when it is on. */
export const UNATTENDED: Access = { by: 'unattended' };

/** The CLI is the owner at the keyboard once it proved it, like an unlocked UI. */
const OWNER: Caller = { role: 'owner', transport: 'cli' };
const NOBODY: Caller = { role: 'public', transport: 'cli' };

export interface CliCoreDeps {
  core: Omit<AppCoreDeps, 'keyStore' | 'engine'>;
  keyStoreChoice: DeviceKeyStoreChoice;
  hasPasswordInEnv: boolean;
  password: () => Promise<string>;
  /** AFTERWORD_SESSION, when set. */
  session?: SessionSignIn;
  /** `afterword run`: the scheduler ticks on this cron and drains the outbox while `fn` runs. */
  schedule?: AppSchedulerOptions;
  /** Hears the core's events while `fn` runs (the progress of a long call). */
  onEvent?: EventListener;
  /**
   * Work `fn` needs that needs no key: done while the password's KDF runs, not after it. It gets
   * the vault, open and still locked: it may read what is stored in clear, and must write nothing.
   */
  whileUnlocking?: (vault: Vault) => void;
}

/**
 * The device key when it is recorded in the OS key store but this process fell back to the
 * files (cron without the session's D-Bus, a locked keyring): says so and what to do.
 */
function assertKeyStoreReachable(core: AppCore, choice: DeviceKeyStoreChoice): void {
  const recorded = core.vaultOrThrow().deviceKeyStatus().backend;
  if (
    choice.fallbackReason &&
    recorded !== null &&
    recorded !== choice.store.backend &&
    recorded.startsWith('keyring:')
  ) {
    throw new NoKeyringError(
      `the device key is in the OS key store (${recorded}), which this process cannot use: ${choice.fallbackReason}. ` +
        'Run it in your login session with the key store unlocked, or set AFTERWORD_PASSWORD',
    );
  }
}

async function signIn(core: AppCore, access: Access, deps: CliCoreDeps): Promise<Caller> {
  switch (access.by) {
    case 'none':
      // Opened as before: a missing vault, or an older copy than this machine saw, is said at once.
      await core.open();
      return NOBODY;
    case 'creating':
      return OWNER;
    case 'recoveryKey':
      await core.signInWithRecoveryKey(access.recoveryKey);
      return OWNER;
    case 'unattended':
      if (!core.exists()) break;
      if (deps.session && (await signInWithSession(core, deps.session))) return OWNER;
      await core.open();
      if (!deps.hasPasswordInEnv && core.vaultOrThrow().deviceKeyStatus().enabled) {
        assertKeyStoreReachable(core, deps.keyStoreChoice);
        await core.signInLocallyWithDeviceKey();
        return OWNER;
      }
      break;
    case 'password':
      if (access.password === undefined && deps.session && (await signInWithSession(core, deps.session))) return OWNER;
      await core.open();
      await unlockWithPassword(core, access.password ?? (await deps.password()), deps);
      return OWNER;
  }
  await core.open();
  await unlockWithPassword(core, await deps.password(), deps);
  return OWNER;
}

/**
 * The KDF runs on the thread pool: the main thread does `whileUnlocking` meanwhile, then the young
 * generation's collection that loading the command made due (see collectYoungGenerationNow).
 */
async function unlockWithPassword(core: AppCore, password: string, deps: CliCoreDeps): Promise<void> {
  let settled = false;
  const unlocking = core.unlock(password).finally(() => {
    settled = true;
  });
  // Handled below; not an unhandled rejection while the work runs.
  unlocking.catch(() => undefined);
  // The unlock reads the password's wrap and hands scrypt to the thread pool within this turn of
  // the event loop (without a head start, it has not begun yet): the work comes after.
  await new Promise((resolve) => setImmediate(resolve));
  if (!settled) {
    try {
      deps.whileUnlocking?.(core.vaultOrThrow());
    } catch {
      // Done again, and reported, where the command needs it.
    }
    collectYoungGenerationNow();
  }
  await unlocking;
}

/**
 * Opens the vault as the UI's core (AppCore), proves the owner as `access` says, and hands `fn`
 * the core, signed in, with the caller it proved; closes it all afterwards. Commands reach the
 * core's methods through the router (withCliRouter); the scheduler's own commands (`tick`, `run`,
 * `status`) call the core directly, as the app's and the runner's schedulers do, without loading
 * the contract.
 */
export async function withCliCore<T>(
  deps: CliCoreDeps,
  access: Access,
  fn: (core: AppCore, caller: Caller) => Promise<T>,
): Promise<T> {
  const core: AppCore = new AppCore({
    ...deps.core,
    // `afterword init` prints the recovery key itself: no first run on a screen asks for it.
    recoveryKeyShownAtCreate: true,
    keyStore: deps.keyStoreChoice.store,
    // Warnings sent by its engine carry check-in links (called only once built).
    engine: { checkinLink: checkinLinkPort(() => core.keyedServices()) },
  });
  let scheduler: AppScheduler | null = null;
  if (deps.onEvent) core.events.subscribe(deps.onEvent);
  try {
    const caller = await signIn(core, access, deps);
    // node-cron loads only for `afterword run`, not for every one-shot command.
    if (deps.schedule)
      scheduler = new (await import('../../core/api/app-scheduler.js')).AppScheduler(core, deps.schedule);
    return await fn(core, caller);
  } finally {
    // Waits for a send on the wire, so that none is cut between "sent" and "recorded".
    await scheduler?.stop();
    await core.close();
  }
}
