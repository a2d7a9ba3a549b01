import { BadRequestError } from '../../core/errors.js';
import { SCRYPT_FLOOR, DEFAULT_SCRYPT, TEST_SCRYPT_FLOOR, type ScryptParams } from '../../core/crypto/kdf.js';
import { defaultKeyDir, resolveVaultDir } from '../../core/vault/vault-paths.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { chooseDeviceKeyStore, FILE_KEY_WARNING, type DeviceKeyStoreChoice } from '../../node/device-key-store.js';
import type { VaultDeps } from '../../core/vault/vault.js';
import { fakeClockFromEnv, fakeElapsedFromEnv } from '../../node/fake-clock.js';
import { systemClock } from '../../node/system-clock.js';
import type { Clock } from '../../core/ports/clock.js';
import type { AppCore } from '../../core/api/app-core.js';
import type { Caller } from '../../core/api/router-types.js';
import { withCliCore, type Access, type CliCoreDeps } from './cli-core.js';
import type { Rpc } from './cli-router.js';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import { Output } from './output.js';
import { currentPassword } from './secrets.js';
import { CliSessionStore, machineMonotonicMs } from '../../node/cli-session-store.js';
import type { SessionTimes } from '../../core/vault/session-record.js';
import type { SessionSignIn } from './session-sign-in.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** What a command adds to opening the core: the scheduler, an event listener, work during the KDF. */
type CoreOptions = Pick<CliCoreDeps, 'schedule' | 'onEvent' | 'whileUnlocking'>;

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
  /** Test-only: how far ahead the machine's monotonic clock is read (AFTERWORD_FAKE_ELAPSED_MS). */
  private readonly monotonicAheadMs: number;
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
    if (this.weakKdfAllowed) {
      process.stderr.write(
        'afterword: warning: weak test KDF allowed (AFTERWORD_ALLOW_WEAK_KDF=1): vaults made now open nowhere else; never do this for real\n',
      );
    }
    this.clock = fake?.clock ?? systemClock;
    const elapsed = fakeElapsedFromEnv(env);
    if (elapsed) process.stderr.write(`${elapsed.warning}\n`);
    this.monotonicAheadMs = elapsed?.aheadMs ?? 0;
  }

  /** NEVER FOR REAL USE: tests may make and open vaults below the KDF floor (TEST_SCRYPT_FLOOR). */
  private get weakKdfAllowed(): boolean {
    return this.env.AFTERWORD_ALLOW_WEAK_KDF === '1';
  }

  /**
   * AFTERWORD_SCRYPT_LOGN lowers the password KDF cost (tests, very slow devices); never below
   * the floor that opening enforces (lower only with the test knob, see weakKdfAllowed).
   */
  vaultDeps(): VaultDeps {
    const raw = this.env.AFTERWORD_SCRYPT_LOGN;
    const floor = this.weakKdfAllowed ? TEST_SCRYPT_FLOOR : SCRYPT_FLOOR;
    let scrypt: ScryptParams = DEFAULT_SCRYPT;
    if (raw !== undefined) {
      const logN = Number(raw);
      if (!Number.isInteger(logN) || logN < floor.logN || logN > 20) {
        throw new BadRequestError(`AFTERWORD_SCRYPT_LOGN must be an integer from ${floor.logN} to 20`);
      }
      scrypt = { ...DEFAULT_SCRYPT, logN };
    }
    // High-water marks are not secret: plain files beside the device keys, wherever those are.
    return {
      clock: this.clock,
      scrypt,
      ...(this.weakKdfAllowed ? { kdfFloor: TEST_SCRYPT_FLOOR } : {}),
      marks: new FileKeyStore(defaultKeyDir(this.env)),
      acceptOlderVault: Boolean(this.options.acceptOlderVault),
      readWhenFull: !this.longRunning,
    };
  }

  /** Where device keys go on this machine: the OS key store, or the 0600 files and why (once per process). */
  deviceKeyStore(): Promise<DeviceKeyStoreChoice> {
    this.keyStoreChoice ??= chooseDeviceKeyStore({ env: this.env, keyDir: defaultKeyDir(this.env) });
    return this.keyStoreChoice;
  }

  /** For commands that put a device key in place: on stderr, the file's trade-off and why no key store. */
  async warnIfKeyInFile(): Promise<void> {
    const { fallbackReason, where } = await this.deviceKeyStore();
    if (fallbackReason)
      this.out.note(`afterword: warning: ${FILE_KEY_WARNING} (${where}; no OS key store: ${fallbackReason})`);
  }

  /** Where this machine keeps the records of `afterword unlock` sessions: the key folder. */
  sessionStore(): CliSessionStore {
    return new CliSessionStore(defaultKeyDir(this.env));
  }

  /** The clocks a session is checked against: the wall clock and the machine's monotonic one (both movable in tests). */
  sessionTimes(): SessionTimes {
    return { now: this.clock.now(), monotonic: machineMonotonicMs() + this.monotonicAheadMs };
  }

  /** AFTERWORD_SESSION (an empty one counts as unset). */
  private sessionSignIn(): SessionSignIn | undefined {
    const token = this.env.AFTERWORD_SESSION;
    if (!token) return undefined;
    return {
      token,
      store: this.sessionStore(),
      times: () => this.sessionTimes(),
      passwordStandsIn: this.env.AFTERWORD_PASSWORD !== undefined,
      note: (text) => this.out.note(text),
    };
  }

  /**
   * The one way into the core: the contract's methods through the router every front door shares,
   * the vault opened as the UI opens it (with the device key when unattended delivery is on) and
   * the owner proved as `access` says (by default AFTERWORD_SESSION, AFTERWORD_PASSWORD or a prompt). With
   * `schedule` (`afterword run`), the scheduler ticks and sends while `fn` runs.
   */
  async withRouter<T>(
    fn: (rpc: Rpc, core: AppCore) => Promise<T>,
    access: Access = { by: 'password' },
    options: CoreOptions = {},
  ): Promise<T> {
    const deps = await this.coreDeps(options);
    // The router and the contract's schemas load with the first command that calls a method.
    const { withCliRouter } = await import('./cli-router.js');
    return withCliRouter(deps, access, fn);
  }

  /**
   * The core opened and signed in as withRouter does, without the router: for the scheduler's own
   * commands (`tick`, `run`, `status`), which call the core as the app's scheduler does.
   */
  async withCore<T>(
    fn: (core: AppCore, caller: Caller) => Promise<T>,
    access: Access = { by: 'password' },
    options: CoreOptions = {},
  ): Promise<T> {
    return withCliCore(await this.coreDeps(options), access, fn);
  }

  private async coreDeps(options: CoreOptions): Promise<CliCoreDeps> {
    const { clock, scrypt, kdfFloor, marks, acceptOlderVault, readWhenFull } = this.vaultDeps();
    return {
      core: {
        vaultDir: this.vaultDir,
        clock,
        scrypt,
        kdfFloor,
        marks,
        acceptOlderVault,
        readWhenFull,
        objectStores: s3ObjectStores,
      },
      keyStoreChoice: await this.deviceKeyStore(),
      hasPasswordInEnv: this.env.AFTERWORD_PASSWORD !== undefined,
      password: () => currentPassword(this.env),
      session: this.sessionSignIn(),
      ...options,
    };
  }
}
