import { hostname } from 'node:os';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { KeyStore } from '../ports/key-store.js';
import type { Notifier } from '../ports/notifier.js';
import type { ObjectStoreFactory } from '../ports/object-store.js';
import type { ScryptParams } from '../crypto/kdf.js';
import { createEngine, initializeVaultContent, type Engine, type EnginePorts } from '../engine.js';
import { createVaultServices, type VaultServices } from '../services.js';
import { beginSetup } from '../setup-state.js';
import { Vault, type RemoteSignIn } from '../vault/vault.js';
import { VaultRolledBackError } from '../vault/rollback-mark.js';
import type { SessionRecord, SessionTimes } from '../vault/session-record.js';
import { VaultLockedError, VaultNotFoundError } from '../vault/vault-errors.js';
import { PrimaryRunner } from '../standby/primary-runner.js';
import type { LeaseTiming } from '../standby/lease-decision.js';
import { readRunnerFacts, type StatusRunner } from '../standby/runner-facts-file.js';
import { checkinLinkPort } from './checkin-links.js';
import { EventBus } from './event-bus.js';
import { Uploads } from './uploads.js';
import { Exports } from './exports.js';

export interface AppCoreDeps {
  vaultDir: string;
  clock: Clock;
  keyStore: KeyStore;
  notifier?: Notifier;
  scrypt?: ScryptParams;
  /** NEVER FOR REAL USE: the tests' lower KDF floor (see VaultDeps.kdfFloor). */
  kdfFloor?: ScryptParams;
  /** This machine's high-water marks of vaults (see Vault): a vault put back to an older copy is refused. */
  marks?: KeyStore;
  /** The owner restored an older copy on purpose. */
  acceptOlderVault?: boolean;
  /** A short-lived command (the CLI): on a full disk, open for reading anyway. */
  readWhenFull?: boolean;
  engine?: Omit<EnginePorts, 'clock' | 'notifier' | 'objectStores'>;
  /** Opens the backup bucket (the S3 adapter); without it, backups are refused. */
  objectStores?: ObjectStoreFactory;
  /**
   * This machine as the primary runner of a vault with a paired standby (see PrimaryRunner): its
   * name (the host name by default), the lease's timing, a logger. `false`: not a primary (a
   * standby's own engine passes its gate in `engine.sendGate`, which also turns this off).
   */
  primaryRunner?: { name?: string; timing?: LeaseTiming; logger?: Logger } | false;
  /**
   * The front door prints the recovery key itself when it creates the vault (`afterword init` in a
   * terminal): no first run asks for it to be typed back on screen.
   */
  recoveryKeyShownAtCreate?: boolean;
}

/**
 * One vault as the UI sees it, shared by the Electron shell and the runner. Two states are kept
 * apart: whether the owner's UI is unlocked (sessions, content on screen) and whether the key is
 * in memory for the scheduler. Once the key is in memory (the password, the recovery key or the
 * device key opened it) the scheduler keeps it for the life of the process: locking only locks the
 * UI, so warnings and deliveries never pause because the person walked away. Unattended delivery
 * (the device key) is what lets the scheduler start again after a restart without the password.
 */
export class AppCore {
  readonly events = new EventBus();
  readonly uploads: Uploads;
  readonly exports: Exports;
  private vault: Vault | null = null;
  private services: VaultServices | null = null;
  private engine: Engine | null = null;
  private uiUnlocked = false;
  private opening: Promise<Vault> | null = null;
  /** Why the device key did not open the vault at open(), kept as thrown. */
  private unattendedFailure: unknown = null;
  private refusedCopy: VaultRolledBackError | null = null;
  /** The recovery key of the first run, in memory only, until the owner confirms it (or the process ends). */
  pendingRecoveryKey: string | null = null;
  private readonly onEngineChange = new Set<(engine: Engine | null) => void>();
  private primaryRunner: PrimaryRunner | null = null;

  constructor(readonly deps: AppCoreDeps) {
    this.uploads = new Uploads(() => this.unlockedServices(), deps.clock, this.events);
    this.exports = new Exports(() => this.unlockedServices(), deps.clock);
  }

  get isUiUnlocked(): boolean {
    return this.uiUnlocked && this.vault?.isUnlocked === true;
  }

  exists(): boolean {
    return Vault.exists(this.deps.vaultDir);
  }

  /** Opens the vault (locked) if it exists; starts the engine at once when a device key lets it. */
  async open(): Promise<Vault> {
    if (this.vault) return this.vault;
    // Two callers at once (status and unlock from a fresh UI) must share one open.
    this.opening ??= this.openOnce().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async openOnce(): Promise<Vault> {
    if (!this.exists()) throw new VaultNotFoundError(this.deps.vaultDir);
    const { clock, scrypt, kdfFloor, marks, acceptOlderVault, readWhenFull } = this.deps;
    let vault: Vault;
    try {
      vault = await Vault.open(this.deps.vaultDir, { clock, scrypt, kdfFloor, marks, acceptOlderVault, readWhenFull });
    } catch (error) {
      // Remembered for the UI, which offers to open it with the password if it was a deliberate restore.
      if (error instanceof VaultRolledBackError) this.refusedCopy = error;
      throw error;
    }
    this.refusedCopy = null;
    this.vault = vault;
    this.exports.removeLeftovers(vault.dir);
    if (vault.deviceKeyStatus().enabled) {
      try {
        await vault.unlockWithDeviceKey(this.deps.keyStore);
        this.keyAvailable();
      } catch (error) {
        // Unattended unlock failed (key store changed or missing): remembered for the UI; the
        // owner unlocks with the password.
        this.unattendedFailure = error;
      }
    }
    return vault;
  }

  /** The vault on disk is older than (or differs from) the one this machine last saw: refused until the owner accepts it. */
  get olderCopy(): 'older' | 'rewritten' | null {
    return this.vault ? null : (this.refusedCopy?.found ?? null);
  }

  /** Why unattended delivery could not start (null when it runs or is off). */
  get unattendedProblem(): string | null {
    const failure = this.unattendedFailure;
    if (failure === null) return null;
    return failure instanceof Error ? failure.message : String(failure);
  }

  async create(password: string): Promise<string> {
    const { vault, recoveryKey } = await Vault.create(this.deps.vaultDir, password, {
      clock: this.deps.clock,
      scrypt: this.deps.scrypt,
      kdfFloor: this.deps.kdfFloor,
      marks: this.deps.marks,
    });
    this.vault = vault;
    const services = createVaultServices(vault, this.deps.clock);
    initializeVaultContent(services);
    if (!this.deps.recoveryKeyShownAtCreate) {
      beginSetup(services.settings);
      this.pendingRecoveryKey = recoveryKey;
    }
    this.keyAvailable();
    this.setUiUnlocked(true);
    return recoveryKey;
  }

  /**
   * `acceptOlderVault`: the owner restored an older copy on purpose. It only matters while the
   * vault is refused as older than this machine's mark; the password is still required.
   * `remote`: a sign-in over the network, which needs the second factor's code when one is on.
   */
  async unlock(password: string, options: { remote?: RemoteSignIn; acceptOlderVault?: boolean } = {}): Promise<void> {
    if (options.acceptOlderVault && !this.vault) {
      // Learn whether the copy is refused at all (a plain unlock follows if it is not).
      await this.open().catch((error: unknown) => {
        if (!(error instanceof VaultRolledBackError)) throw error;
      });
    }
    const refused = this.olderCopy;
    if (refused && options.acceptOlderVault) {
      const { clock, scrypt, kdfFloor, marks, readWhenFull } = this.deps;
      this.vault = await Vault.openOlderCopy(
        this.deps.vaultDir,
        password,
        refused,
        { clock, scrypt, kdfFloor, marks, readWhenFull },
        options.remote,
      );
      this.refusedCopy = null;
      this.keyAvailable();
      this.setUiUnlocked(true);
      return;
    }
    const vault = await this.open();
    if (vault.isUnlocked) {
      // The key is already in memory for the scheduler: the owner still proves the password.
      await vault.verifyPassword(password, options.remote);
    } else {
      await vault.unlock(password, options.remote);
      this.keyAvailable();
    }
    this.setUiUnlocked(true);
  }

  /**
   * For a program of the owner's own account on this machine (the CLI run from cron), which could
   * read the device key itself: once the device key has opened the vault, it acts as the owner
   * without the password. Throws why the device key did not open it. No transport reaches this.
   */
  async signInLocallyWithDeviceKey(): Promise<void> {
    await this.open();
    if (!this.services) throw this.unattendedFailure ?? new VaultLockedError();
    this.setUiUnlocked(true);
  }

  /**
   * A CLI session (`afterword unlock`) proves the owner as the password did when it began: its
   * record and key open the vault without the KDF (the vault's own checks all still run at open).
   */
  async signInWithSession(record: SessionRecord, sessionKey: Uint8Array, times: SessionTimes): Promise<void> {
    const vault = await this.open();
    await vault.unlockWithSession(record, sessionKey, times);
    this.keyAvailable();
    this.setUiUnlocked(true);
  }

  /**
   * The recovery key proves the owner as the password does (the CLI's emergency stop, for someone
   * who has lost the password). Wrong keys are behind the recovery key's own backoff.
   */
  async signInWithRecoveryKey(recoveryKey: string): Promise<void> {
    const vault = await this.open();
    await vault.unlockWithRecoveryKey(recoveryKey);
    this.keyAvailable();
    this.setUiUnlocked(true);
  }

  async recover(recoveryKey: string, newPassword: string): Promise<void> {
    const vault = await this.open();
    await vault.recover(recoveryKey, newPassword);
    this.keyAvailable();
    this.setUiUnlocked(true);
  }

  /** Locks the UI only: the scheduler keeps the key, so warnings and deliveries go on. */
  lock(): void {
    this.setUiUnlocked(false);
    this.uploads.cancelAll();
    void this.exports.cancelAll();
  }

  /** Whether warnings and deliveries are running (the scheduler holds the key), UI locked or not. */
  get isWatching(): boolean {
    return this.engine !== null;
  }

  vaultOrThrow(): Vault {
    if (!this.vault) throw new VaultNotFoundError(this.deps.vaultDir);
    return this.vault;
  }

  /** Content services for the owner's UI; throws VaultLockedError while the UI is locked. */
  unlockedServices(): VaultServices {
    if (!this.isUiUnlocked || !this.services) throw new VaultLockedError();
    return this.services;
  }

  /** Services for the scheduler side (checkin tokens, status for monitors): key needed, UI not. */
  keyedServices(): VaultServices {
    if (!this.services) throw new VaultLockedError();
    return this.services;
  }

  engineOrThrow(): Engine {
    if (!this.engine) throw new VaultLockedError();
    return this.engine;
  }

  /**
   * One scheduler pass and outbox drain for the signed-in owner (`scheduler.tick`, `afterword
   * tick`); `source` names who ran it in the tick's record.
   */
  runSchedulerPass(source: string): ReturnType<Engine['runOnce']> {
    this.unlockedServices();
    return this.engineOrThrow().runOnce(source);
  }

  onEngine(listener: (engine: Engine | null) => void): () => void {
    this.onEngineChange.add(listener);
    if (this.engine) listener(this.engine);
    return () => this.onEngineChange.delete(listener);
  }

  async close(): Promise<void> {
    this.uploads.cancelAll();
    await this.exports.cancelAll();
    this.pendingRecoveryKey = null;
    // A backup push under way reads the vault: it ends before the vault closes.
    await this.engine?.settled();
    this.setEngine(null);
    this.primaryRunner?.close();
    this.primaryRunner = null;
    await this.vault?.close();
    this.vault = null;
    this.services = null;
  }

  private keyAvailable(): void {
    const vault = this.vaultOrThrow();
    if (this.services && this.engine) return;
    this.services = createVaultServices(vault, this.deps.clock);
    // Warnings carry a signed one-time check-in link when the vault names a public URL.
    const checkinLink = checkinLinkPort(() => this.keyedServices());
    const primary = this.createPrimaryRunner(this.services);
    this.setEngine(
      createEngine(this.services, {
        checkinLink,
        ...(primary ? { sendGate: primary.gate, beforeDrain: () => primary.beforeDrain() } : {}),
        ...this.deps.engine,
        clock: this.deps.clock,
        notifier: this.deps.notifier,
        objectStores: this.deps.objectStores,
        onTransitions: (reports) => {
          for (const t of reports) this.events.emit('plan.stateChanged', t);
        },
      }),
    );
  }

  private createPrimaryRunner(services: VaultServices): PrimaryRunner | null {
    const { objectStores, primaryRunner: options, engine } = this.deps;
    if (!objectStores || options === false || engine?.sendGate) return null;
    this.primaryRunner?.close();
    this.primaryRunner = new PrimaryRunner({
      services,
      stores: objectStores,
      clock: this.deps.clock,
      dir: this.deps.vaultDir,
      name: options?.name ?? hostname(),
      timing: options?.timing,
      logger: options?.logger,
    });
    return this.primaryRunner;
  }

  /**
   * Who sends for this vault, for status: this process's lease facts when it coordinates with a
   * standby; else what the sending process wrote beside the vault (runner.json); else this machine alone.
   */
  runnerFacts(): StatusRunner {
    return this.primaryRunner?.facts() ?? readRunnerFacts(this.deps.vaultDir, this.deps.clock.now());
  }

  private setEngine(engine: Engine | null): void {
    const previous = this.engine;
    this.engine = engine;
    if (previous && previous !== engine) void previous.close();
    for (const listener of this.onEngineChange) listener(engine);
  }

  private setUiUnlocked(unlocked: boolean): void {
    if (this.uiUnlocked === unlocked) return;
    this.uiUnlocked = unlocked;
    this.events.emit('vault.lockChanged', { unlocked });
  }
}
