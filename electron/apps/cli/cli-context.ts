import { idSchema } from '../../../shared/contract/dto.js';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract/methods.js';
import { AppCore } from '../../core/api/app-core.js';
import { HANDLERS, type Handlers } from '../../core/api/handlers.js';
import { createRouter } from '../../core/api/router.js';
import type { Caller, EventListener } from '../../core/api/router-types.js';
import { AfterwordError, BadRequestError, NotFoundError } from '../../core/errors.js';
import { SCRYPT_FLOOR, DEFAULT_SCRYPT, type ScryptParams } from '../../core/crypto/kdf.js';
import { createVaultServices, type VaultServices } from '../../core/services.js';
import { defaultKeyDir, resolveVaultDir } from '../../core/vault/vault-paths.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { chooseDeviceKeyStore, FILE_KEY_WARNING, type DeviceKeyStoreChoice } from '../../node/device-key-store.js';
import { NoKeyringError } from '../../core/vault/vault-errors.js';
import { createEngine, type Engine } from '../../core/engine.js';
import type { KeyStore } from '../../core/ports/key-store.js';
import { Vault, type VaultDeps } from '../../core/vault/vault.js';
import { fakeClockFromEnv } from '../../node/fake-clock.js';
import { systemClock } from '../../node/system-clock.js';
import type { Clock } from '../../core/ports/clock.js';
import { checkinLinkPort } from '../../core/api/checkin-links.js';
import { s3ObjectStores } from '../../node/s3-object-store.js';
import { Output } from './output.js';
import { currentPassword } from './secrets.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Calls one method of the contract through the router. A failed reply is thrown: as the error the
 * handler threw, or as an AfterwordError with the reply's code and message when none ran.
 */
export type Rpc = <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MethodOutput<M>>;

/** The CLI is the owner at the keyboard: it proved the password, like an unlocked UI. */
const CLI_CALLER: Caller = { role: 'owner', transport: 'cli' };

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
  if (!idSchema.safeParse(id).success) throw new NotFoundError(what, id);
  return id;
}

export interface GlobalOptions {
  vault?: string;
  json?: boolean;
  debug?: boolean;
  acceptOlderVault?: boolean;
}

/** The CLI's composition root: resolves the vault, the clock and the secrets for each command. */
export class CliContext {
  readonly out: Output;
  readonly vaultDir: string;
  readonly clock: Clock;
  /** `run` keeps the vault open: no full-disk reading fallback, which would keep others out. */
  longRunning = false;
  private keyStoreChoice: Promise<DeviceKeyStoreChoice> | null = null;

  constructor(
    readonly options: GlobalOptions,
    readonly env: Env,
  ) {
    this.out = new Output(Boolean(options.json));
    this.vaultDir = resolveVaultDir(options.vault, env);
    const fake = fakeClockFromEnv(env);
    if (fake) process.stderr.write(`${fake.warning}\n`);
    this.clock = fake?.clock ?? systemClock;
  }

  /**
   * AFTERWORD_SCRYPT_LOGN lowers the password KDF cost (tests, very slow devices); never below
   * the floor that opening enforces.
   */
  vaultDeps(): VaultDeps {
    const raw = this.env.AFTERWORD_SCRYPT_LOGN;
    let scrypt: ScryptParams = DEFAULT_SCRYPT;
    if (raw !== undefined) {
      const logN = Number(raw);
      if (!Number.isInteger(logN) || logN < SCRYPT_FLOOR.logN || logN > 20) {
        throw new BadRequestError(`AFTERWORD_SCRYPT_LOGN must be an integer from ${SCRYPT_FLOOR.logN} to 20`);
      }
      scrypt = { ...DEFAULT_SCRYPT, logN };
    }
    // High-water marks are not secret: plain files beside the device keys, wherever those are.
    return { clock: this.clock, scrypt, marks: new FileKeyStore(defaultKeyDir(this.env)), acceptOlderVault: Boolean(this.options.acceptOlderVault), readWhenFull: !this.longRunning };
  }

  async withVault<T>(fn: (vault: Vault) => Promise<T>): Promise<T> {
    const vault = await Vault.open(this.vaultDir, this.vaultDeps());
    try {
      return await fn(vault);
    } finally {
      await vault.close();
    }
  }

  /** Where device keys go on this machine: the OS key store, or the 0600 files and why (once per process). */
  deviceKeyStore(): Promise<DeviceKeyStoreChoice> {
    this.keyStoreChoice ??= chooseDeviceKeyStore({ env: this.env, keyDir: defaultKeyDir(this.env) });
    return this.keyStoreChoice;
  }

  async keyStore(): Promise<KeyStore> {
    return (await this.deviceKeyStore()).store;
  }

  /** For commands that put a device key in place: on stderr, the file's trade-off and why no key store. */
  async warnIfKeyInFile(): Promise<void> {
    const { fallbackReason, where } = await this.deviceKeyStore();
    if (fallbackReason) this.out.note(`afterword: warning: ${FILE_KEY_WARNING} (${where}; no OS key store: ${fallbackReason})`);
  }

  /**
   * Unlocks with the device key; when it is recorded in the OS key store but this process fell
   * back to the files (cron without the session's D-Bus, a locked keyring), says so and what to do.
   */
  private async unlockUnattended(vault: Vault): Promise<void> {
    const choice = await this.deviceKeyStore();
    const recorded = vault.deviceKeyStatus().backend;
    if (choice.fallbackReason && recorded !== null && recorded !== choice.store.backend && recorded.startsWith('keyring:')) {
      throw new NoKeyringError(
        `the device key is in the OS key store (${recorded}), which this process cannot use: ${choice.fallbackReason}. ` +
          'Run it in your login session with the key store unlocked, or set AFTERWORD_PASSWORD',
      );
    }
    await vault.unlockWithDeviceKey(choice.store);
  }

  async withUnlocked<T>(fn: (services: VaultServices) => Promise<T>): Promise<T> {
    return this.withVault(async (vault) => {
      await vault.unlock(await currentPassword(this.env));
      return fn(createVaultServices(vault, this.clock));
    });
  }

  /**
   * For the scheduler's commands (tick, status, checkin): AFTERWORD_PASSWORD when given, else the
   * device key when unattended delivery is on (so system cron can run `afterword tick`), else a prompt.
   */
  async withUnattended<T>(fn: (services: VaultServices) => Promise<T>): Promise<T> {
    return this.withVault(async (vault) => {
      if (this.env.AFTERWORD_PASSWORD === undefined && vault.deviceKeyStatus().enabled) {
        await this.unlockUnattended(vault);
      } else {
        await vault.unlock(await currentPassword(this.env));
      }
      return fn(createVaultServices(vault, this.clock));
    });
  }

  /**
   * The UI's handlers, called through the router as the owner (the front doors share them). The
   * vault is opened as the UI opens it (with the device key when unattended delivery is on), then
   * unlocked with the password like withUnlocked: AFTERWORD_PASSWORD or a prompt (or `password`,
   * when the command needs it again and it was asked for already). `onEvent` hears the core's events
   * (progress of a long call).
   */
  async withRouter<T>(fn: (rpc: Rpc) => Promise<T>, password?: string, onEvent?: EventListener): Promise<T> {
    const core: AppCore = new AppCore({
      vaultDir: this.vaultDir,
      keyStore: await this.keyStore(),
      ...this.vaultDeps(),
      // Warnings sent by its engine carry check-in links, as withEngine's do (called only once built).
      engine: { checkinLink: checkinLinkPort(() => core.keyedServices()) },
      objectStores: s3ObjectStores,
    });
    try {
      if (onEvent) core.events.subscribe(onEvent);
      await core.open();
      await core.unlock(password ?? (await currentPassword(this.env)));
      const thrown: { error?: unknown } = {};
      const router = createRouter(core, { handlers: noting(HANDLERS, thrown) });
      const rpc: Rpc = async (method, input) => {
        thrown.error = undefined;
        const reply = await router.call(method, input, CLI_CALLER);
        if (reply.ok) return reply.data as MethodOutput<typeof method>;
        if (thrown.error !== undefined) throw thrown.error;
        // Refused before any handler ran (an input the contract does not accept): the reply's code.
        throw new AfterwordError(reply.code, reply.message);
      };
      return await fn(rpc);
    } finally {
      await core.close();
    }
  }

  async withEngine<T>(fn: (engine: Engine, services: VaultServices) => Promise<T>): Promise<T> {
    return this.withUnattended(async (services) => {
      const engine = createEngine(services, { clock: this.clock, checkinLink: checkinLinkPort(() => services) });
      try {
        return await fn(engine, services);
      } finally {
        await engine.close();
      }
    });
  }
}
