import type { ScryptParams } from '../core/crypto/kdf.js';
import { createEngine, initializeVaultContent, type Engine } from '../core/engine.js';
import type { SettingsRepo } from '../core/repo/settings.js';
import { SchedulerLoop } from '../core/schedule/scheduler-loop.js';
import type { TransitionReport } from '../core/schedule/scheduler.js';
import { readStatus } from '../core/schedule/status.js';
import { createVaultServices, type VaultServices } from '../core/services.js';
import { VaultExistsError, VaultLockedError } from '../core/vault/vault-errors.js';
import { Vault } from '../core/vault/vault.js';
import { PromptNotifier } from '../node/prompt-notifier.js';
import type { Clock } from '../ports/clock.js';
import type { KeyStore } from '../ports/key-store.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import { trayStateFromStatus, type TrayState } from './tray-menu.js';

export interface DesktopSessionDeps {
  vaultDir: string;
  clock: Clock;
  /** The device key store; may throw (safeStorage refuses basic_text). Only asked when it is needed. */
  keyStore(): KeyStore | Promise<KeyStore>;
  /** Wraps the durable in-vault prompt (PromptNotifier) with the native one (TrayNotifier). */
  notifierFor(recorder: Notifier): Notifier;
  /** Called with what the tray should show, after every change and every scheduler run. */
  onState(state: TrayState): void;
  log: Logger;
  /** node-cron expression of the scheduler loop (every minute by default). */
  cron?: string;
  /** KDF cost for a vault created here (tests lower it); the core's default otherwise. */
  scrypt?: ScryptParams;
}

/** A running scheduler: on its own vault instance (device key) or on the UI's (password). */
interface Runner {
  kind: 'device' | 'password';
  vault: Vault;
  services: VaultServices;
  engine: Engine;
  loop: SchedulerLoop;
}

const LOCKED = 'locked: warnings and deliveries wait until you unlock (or turn on unattended delivery)';

/**
 * The desktop app's two keys to one vault. The UI session opens with the password and locks on
 * idle, sleep or screen lock. The scheduler runs on a vault instance of its own, unlocked with the
 * device key when unattended delivery is on, so locking the UI never stops warnings; without the
 * device key it runs on the UI session and stops (visibly) when that locks.
 */
export class DesktopSession {
  private ui: Vault | null = null;
  private uiOpen = false;
  private runner: Runner | null = null;
  private notWatching: string | null = 'starting';
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly deps: DesktopSessionDeps) {}

  /** Opens the vault (if there is one) and, when unattended delivery is on, starts the scheduler. */
  static async start(deps: DesktopSessionDeps): Promise<DesktopSession> {
    const session = new DesktopSession(deps);
    await session.exclusive(async () => {
      if (!Vault.exists(deps.vaultDir)) {
        session.notWatching = 'no vault yet';
        return;
      }
      session.ui = await Vault.open(deps.vaultDir, { clock: deps.clock });
      session.notWatching = LOCKED;
      if (session.ui.deviceKeyStatus().enabled) await session.startDeviceRunner();
    });
    session.publish();
    return session;
  }

  get uiUnlocked(): boolean {
    return this.uiOpen && this.ui?.isUnlocked === true;
  }

  get watching(): 'device' | 'password' | null {
    return this.runner?.kind ?? null;
  }

  /** The UI vault, for the IPC handlers (unlocked or not). */
  get vault(): Vault | null {
    return this.ui;
  }

  /** First run: creates the vault, unlocked, and starts the scheduler on it. Returns the recovery key. */
  async create(password: string): Promise<string> {
    const recoveryKey = await this.exclusive(async () => {
      if (this.ui || Vault.exists(this.deps.vaultDir)) throw new VaultExistsError(this.deps.vaultDir);
      const { vault, recoveryKey } = await Vault.create(this.deps.vaultDir, password, { clock: this.deps.clock, scrypt: this.deps.scrypt });
      initializeVaultContent(createVaultServices(vault, this.deps.clock));
      this.ui = vault;
      this.uiOpen = true;
      this.startRunner(vault, 'password');
      return recoveryKey;
    });
    this.publish();
    return recoveryKey;
  }

  /** Unlocks the UI session; without a device key the scheduler starts on it. */
  async unlock(password: string): Promise<void> {
    await this.exclusive(async () => {
      if (!this.ui) throw new VaultLockedError();
      await this.ui.unlock(password);
      this.uiOpen = true;
      if (!this.runner) this.startRunner(this.ui, 'password');
    });
    this.publish();
  }

  /** Locks the UI session at once; a scheduler on the UI's key stops (after its run in flight). */
  async lock(reason: string): Promise<void> {
    if (!this.uiOpen && !this.ui?.isUnlocked) return;
    this.uiOpen = false;
    await this.exclusive(async () => {
      this.deps.log.info('locking the vault', { reason });
      if (this.runner?.kind === 'password') await this.stopRunner(LOCKED);
      this.ui?.lock();
    });
    this.publish();
  }

  /** After unattended delivery was turned on or off: move the scheduler to the right key. */
  async reconcileUnattended(): Promise<void> {
    await this.exclusive(async () => {
      if (!this.ui) return;
      const enabled = this.ui.deviceKeyStatus().enabled;
      if (enabled && this.runner?.kind !== 'device') {
        await this.stopRunner(LOCKED);
        await this.startDeviceRunner();
      } else if (!enabled && this.runner?.kind === 'device') {
        await this.stopRunner(LOCKED);
      }
      if (!this.runner && this.uiUnlocked) this.startRunner(this.ui, 'password');
    });
    this.publish();
  }

  /** "I'm here" (tray, notification, window). Needs a running scheduler. */
  async checkIn(source: string): Promise<TransitionReport[]> {
    const reports = await this.exclusive(async () => {
      if (!this.runner) throw new VaultLockedError();
      return this.runner.engine.scheduler.checkIn(source);
    });
    this.publish();
    return reports;
  }

  /** Wake from sleep: the scheduler catches up now. */
  async resume(): Promise<void> {
    await this.runner?.loop.onResume();
  }

  /** One scheduler pass and drain now (no-op while not watching). */
  async runNow(source: string): Promise<void> {
    await this.runner?.loop.runNow(source);
  }

  /** Reads settings through whichever unlocked instance there is; null while everything is locked. */
  withSettings<T>(fn: (settings: SettingsRepo) => T): T | null {
    const services = this.runner?.services ?? (this.uiUnlocked && this.ui ? createVaultServices(this.ui, this.deps.clock) : null);
    return services ? fn(services.settings) : null;
  }

  /** Stops the scheduler (waiting for the run in flight) and closes the vault. */
  async close(): Promise<void> {
    this.uiOpen = false;
    await this.exclusive(async () => {
      await this.stopRunner('shutting down');
      await this.ui?.close();
      this.ui = null;
    });
  }

  /** Pushes the current state to the tray. Never throws. */
  publish(): void {
    let state: TrayState;
    try {
      state = this.runner
        ? trayStateFromStatus(readStatus(this.runner.services, this.runner.engine.outbox, this.deps.clock.now()), { uiUnlocked: this.uiUnlocked })
        : {
            vaultExists: this.ui !== null,
            uiUnlocked: this.uiUnlocked,
            watching: false,
            notWatchingReason: this.notWatching,
            level: 0,
            nextEvent: null,
            problems: 0,
          };
    } catch (error) {
      this.deps.log.error('reading the status failed', { error: (error as Error).message });
      return;
    }
    try {
      this.deps.onState(state);
    } catch (error) {
      this.deps.log.error('showing the status failed', { error: (error as Error).message });
    }
  }

  private async startDeviceRunner(): Promise<void> {
    let vault: Vault | null = null;
    try {
      const store = await this.deps.keyStore();
      vault = await Vault.open(this.deps.vaultDir, { clock: this.deps.clock });
      await vault.unlockWithDeviceKey(store);
      this.startRunner(vault, 'device');
    } catch (error) {
      await vault?.close();
      this.notWatching = `${(error as Error).message}. Open Afterword and unlock with your password`;
      this.deps.log.error('unattended unlock failed', { error: (error as Error).message });
    }
  }

  private startRunner(vault: Vault, kind: Runner['kind']): void {
    const { clock, log } = this.deps;
    const services = createVaultServices(vault, clock);
    const notifier = this.deps.notifierFor(new PromptNotifier(vault.db, clock));
    const engine = createEngine(services, { clock, notifier });
    const loop = new SchedulerLoop(engine, {
      cron: this.deps.cron,
      onRun: () => this.publish(),
      onError: (error) => log.error('scheduler run failed', { error: (error as Error).message }),
    });
    this.runner = { kind, vault, services, engine, loop };
    this.notWatching = null;
    log.info('scheduler started', { key: kind });
    void loop.start();
  }

  private async stopRunner(reason: string): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    this.runner = null;
    this.notWatching = reason;
    await runner.loop.stop();
    await runner.engine.close();
    if (runner.kind === 'device') await runner.vault.close();
    this.deps.log.info('scheduler stopped', { reason });
  }

  /** One state change at a time (unlock, lock, reconcile, close never interleave). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
