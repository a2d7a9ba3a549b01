import { idSchema } from '../../../shared/contract/dto.js';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract/methods.js';
import { AppCore, type AppCoreDeps } from '../../core/api/app-core.js';
import type { AppScheduler, AppSchedulerOptions } from '../../core/api/app-scheduler.js';
import { HANDLERS, type Handlers } from '../../core/api/handlers.js';
import { createRouter } from '../../core/api/router.js';
import type { Caller, EventListener } from '../../core/api/router-types.js';
import { checkinLinkPort } from '../../core/api/checkin-links.js';
import { AfterwordError, NotFoundError } from '../../core/errors.js';
import { NoKeyringError } from '../../core/vault/vault-errors.js';
import type { DeviceKeyStoreChoice } from '../../node/device-key-store.js';
import { signInWithSession, type SessionSignIn } from './session-sign-in.js';

/**
 * Calls one method of the contract through the router. A failed reply is thrown: as the error the
 * handler threw, or as an AfterwordError with the reply's code and message when none ran.
 */
export type Rpc = <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MethodOutput<M>>;

/**
 * How a command proves that the owner is at the keyboard before the router answers it:
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

/** The CLI is the owner at the keyboard once it proved it, like an unlocked UI. */
const OWNER: Caller = { role: 'owner', transport: 'cli' };
const NOBODY: Caller = { role: 'public', transport: 'cli' };

export interface CliRouterDeps {
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
  /** Work `fn` needs that needs no key: done while the password's KDF runs, not after it. */
  whileUnlocking?: () => void;
}

/**
 * The same handlers, noting what one threw. The router replies with an AfterwordError's own code
 * and message, and turns anything else into a generic reply (INTERNAL, or INTEGRITY for a damaged
 * database); the CLI rethrows the original error, so main() reports it as before (the message,
 * the exit code, and with --debug the stack where it was thrown).
 */
function noting(handlers: Handlers, thrown: { error?: unknown }): Handlers {
  const wrapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [string, (input: unknown, ctx: unknown) => unknown][]) {
    wrapped[name] = async (input: unknown, ctx: unknown) => {
      try {
        return await handler(input, ctx);
      } catch (error) {
        thrown.error = error;
        throw error;
      }
    };
  }
  return wrapped as Handlers;
}

/**
 * An id for the router, which refuses a malformed one as BAD_REQUEST. An id in that shape never
 * names anything, so the CLI reports it as before: `<what> <id> does not exist`, exit 4.
 */
export function existingId(what: string, id: string): string {
  if (!idSchema().safeParse(id).success) throw new NotFoundError(what, id);
  return id;
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

async function signIn(core: AppCore, access: Access, deps: CliRouterDeps): Promise<Caller> {
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

/** The KDF runs on the thread pool: the main thread does `whileUnlocking` meanwhile. */
async function unlockWithPassword(core: AppCore, password: string, deps: CliRouterDeps): Promise<void> {
  const unlocking = core.unlock(password);
  try {
    deps.whileUnlocking?.();
  } catch {
    // Done again, and reported, where the command needs it.
  }
  await unlocking;
}

/**
 * Opens the vault as the UI's core (AppCore), proves the owner as `access` says, and hands `fn`
 * the router every front door shares (and the core, signed in, for a command that writes a file
 * of the user's straight from it: `export`); closes it all afterwards.
 */
export async function withCliRouter<T>(
  deps: CliRouterDeps,
  access: Access,
  fn: (rpc: Rpc, core: AppCore) => Promise<T>,
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
    const thrown: { error?: unknown } = {};
    const router = createRouter(core, { handlers: noting(HANDLERS, thrown) });
    const rpc: Rpc = async (method, input) => {
      thrown.error = undefined;
      const reply = await router.call(method, input, caller);
      if (reply.ok) return reply.data as MethodOutput<typeof method>;
      if (thrown.error !== undefined) throw thrown.error;
      // Refused before any handler ran (an input the contract does not accept): the reply's code.
      throw new AfterwordError(reply.code, reply.message);
    };
    return await fn(rpc, core);
  } finally {
    // Waits for a send on the wire, so that none is cut between "sent" and "recorded".
    await scheduler?.stop();
    await core.close();
  }
}
