import type { EventName } from '../../../shared/contract/events.js';
import type { MethodOutput } from '../../../shared/contract/methods.js';
import type { Reply } from '../../../shared/contract/reply.js';
import type { AppCore } from '../../core/api/app-core.js';
import type { Caller, RpcRouter } from '../../core/api/router-types.js';
import { AfterwordError } from '../../core/errors.js';
import { readStatus } from '../../core/schedule/status.js';
import type { Vault } from '../../core/vault/vault.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Logger } from '../../core/ports/logger.js';
import { AppScheduler } from '../../core/api/app-scheduler.js';
import type { LazyKeyStore } from './lazy-key-store.js';
import type { LockReason } from './power-events.js';
import { trayStateFromStatus, type TrayState } from './tray-menu.js';

export interface DesktopSessionDeps {
  app: AppCore;
  /** The same router the window's IPC goes through. */
  router: RpcRouter;
  /** The AppCore's device key store, asked here to explain why unattended unlock failed. */
  keyStore: LazyKeyStore;
  clock: Clock;
  /** Called with what the tray should show, after every change and at least every `refreshMs`. */
  onState(state: TrayState): void;
  log: Logger;
  /** node-cron expression of the scheduler loop (every minute by default). */
  cron?: string;
  /** The tray is redrawn this often even without a change ("in 3 hours" ages); 60 s by default. */
  refreshMs?: number;
}

export type UiSettings = Pick<MethodOutput<'settings.get'>, 'autoLockMinutes' | 'startAtLogin'>;
export type CheckinSource = 'tray' | 'notification';

const LOCKED =
  'locked since Afterword started: warnings and deliveries wait until you unlock once (or turn on unattended delivery)';
/** Events after which the tray is redrawn (not upload progress: that comes per chunk). */
const TRAY_EVENTS: ReadonlySet<EventName> = new Set([
  'vault.lockChanged',
  'plan.stateChanged',
  'outbox.progress',
  'warning.awaiting',
]);
/** The shell itself reading settings for the signed-in owner (auto-lock, start at login). */
const SHELL_AS_OWNER: Caller = { role: 'owner', transport: 'shell' };

/**
 * The desktop app's side of one AppCore: the tray, the power events and auto-lock act through it.
 * AppCore is the one source of truth for the UI lock and the scheduler's key (locking the UI keeps
 * the key while unattended delivery is on, so warnings go on); this class adds the scheduler loop
 * on AppCore's engine (AppScheduler, which also pushes the contract's events), the
 * tray's state, and the tray's and notification's "I'm here" through the shared router.
 */
export class DesktopSession {
  private readonly scheduler: AppScheduler;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private closed: Promise<void> | null = null;

  private constructor(
    private readonly deps: DesktopSessionDeps,
    private readonly openProblem: string | null,
  ) {
    const { app, log } = deps;
    this.scheduler = new AppScheduler(app, { cron: deps.cron, logger: log.child('scheduler') });
    // After the scheduler's own onEngine listener, so `watching` is already current here.
    this.unsubscribe.push(
      app.onEngine(() => this.publish()),
      app.events.subscribe((name) => TRAY_EVENTS.has(name) && this.publish()),
    );
    this.timer = setInterval(() => {
      this.retryDeviceKey()
        .catch((error: unknown) => log.error('retrying the device key failed', { error: (error as Error)?.message }))
        .finally(() => this.publish());
    }, deps.refreshMs ?? 60_000);
    this.timer.unref?.();
  }

  /**
   * Opens the vault if there is one; with unattended delivery on, the scheduler starts at once.
   * The OS keyring is not touched unless unattended delivery is on (a keychain prompt at every
   * launch, for nothing, otherwise).
   */
  static async start(deps: DesktopSessionDeps): Promise<DesktopSession> {
    let openProblem: string | null = null;
    if (deps.app.exists()) {
      try {
        await deps.app.open();
      } catch (error) {
        openProblem = `the vault could not be opened: ${(error as Error).message}`;
        deps.log.error('opening the vault failed', { error: (error as Error).message });
      }
    }
    const session = new DesktopSession(deps, openProblem);
    await session.retryDeviceKey();
    session.publish();
    return session;
  }

  get uiUnlocked(): boolean {
    return this.deps.app.isUiUnlocked;
  }

  /** Whether the scheduler is running (on a device-key unlock or on the owner's password). */
  get watching(): boolean {
    return this.scheduler.running;
  }

  /** Whether unattended delivery is on: then the scheduler also starts after a restart without the password. */
  get unattended(): boolean {
    return this.vault()?.deviceKeyStatus().enabled ?? false;
  }

  /**
   * Locks the UI (idle, sleep, screen lock, the window closing, the tray, the menu) at once: the
   * scheduler keeps its key and goes on sending in the background, so a lock never waits for the
   * network (on suspend the machine could otherwise sleep half-way and wake unlocked).
   */
  async lock(reason: LockReason | 'tray' | 'window' | 'menu'): Promise<void> {
    const { app, log } = this.deps;
    if (!app.isUiUnlocked) return;
    log.info('locking the UI', { reason, keepsWatching: app.isWatching });
    app.lock(); // emits vault.lockChanged: the window shows its lock screen, the tray redraws
  }

  /**
   * "I'm here" from the tray or a notification, through the router like every check-in. As a
   * `checkin` caller, not `owner`: it needs only the key the scheduler holds, so it works while the
   * UI is locked, and it can do nothing else.
   */
  async checkIn(source: CheckinSource): Promise<MethodOutput<'checkin'>> {
    const { router } = this.deps;
    const reply = await router.call('checkin', {}, { role: 'checkin', transport: source, principal: 'desktop' });
    this.publish();
    if (!reply.ok) throw new AfterwordError(reply.code, reply.message);
    return reply.data as MethodOutput<'checkin'>;
  }

  /**
   * Unattended delivery is on but the device key did not open the vault (the keyring was not
   * there yet — it often appears only after login — or was locked): when the key store can be
   * built now, open the vault again, which tries the device key again. Only while the UI is locked
   * and nothing is watching, and only until the store is built (a key store that works but holds
   * no matching key is not retried: the owner unlocks with the password). True when the scheduler
   * runs afterwards.
   */
  async retryDeviceKey(): Promise<boolean> {
    const { app, keyStore, log } = this.deps;
    if (this.closed || this.scheduler.running || app.isUiUnlocked || keyStore.built || !this.unattended)
      return this.scheduler.running;
    if (!(await keyStore.ready())) return false;
    if (this.closed || this.scheduler.running || app.isUiUnlocked) return this.scheduler.running;
    log.info('the key store is available: trying the device key again');
    await app.close();
    await app.open();
    this.publish();
    return this.scheduler.running;
  }

  /** Wake from sleep: the time asleep was real, the scheduler catches up now (SchedulerLoop.onResume). */
  async resume(): Promise<void> {
    let engine;
    try {
      engine = this.deps.app.engineOrThrow();
    } catch {
      return; // not watching: nothing to catch up
    }
    engine.scheduler.rebaseClock();
    await this.scheduler.runNow('resume');
  }

  /** One scheduler pass and drain now (no-op while not watching). */
  async runNow(source: string): Promise<void> {
    await this.scheduler.runNow(source);
  }

  /** The owner's UI settings as the window sees them (same defaults); null while the UI is locked. */
  async settings(): Promise<UiSettings | null> {
    if (!this.deps.app.isUiUnlocked) return null;
    const reply = await this.deps.router.call('settings.get', {}, SHELL_AS_OWNER);
    if (!reply.ok) return null;
    const { autoLockMinutes, startAtLogin } = reply.data as MethodOutput<'settings.get'>;
    return { autoLockMinutes, startAtLogin };
  }

  /** After a window's call: redraw the tray (not per attachment chunk). */
  afterCall(method: string, reply: Reply<unknown>): void {
    if (reply.ok && !method.startsWith('attachments.')) this.publish();
  }

  /** Stops the scheduler (waiting for the send in flight) and closes the vault. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      clearInterval(this.timer);
      for (const off of this.unsubscribe.splice(0)) off();
      await this.scheduler.stop();
      await this.deps.app.close();
    })();
    return this.closed;
  }

  /** Pushes the current state to the tray. Never throws. */
  publish(): void {
    let state: TrayState;
    try {
      state = this.readState();
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

  private readState(): TrayState {
    const { app, clock } = this.deps;
    if (this.scheduler.running) {
      return trayStateFromStatus(readStatus(app.keyedServices(), app.engineOrThrow().outbox, clock.now()), {
        uiUnlocked: app.isUiUnlocked,
      });
    }
    return {
      vaultExists: app.exists(),
      uiUnlocked: app.isUiUnlocked,
      watching: false,
      notWatchingReason: this.notWatchingReason(),
      level: 0,
      nextEvent: null,
      problems: 0,
    };
  }

  private vault(): Vault | null {
    try {
      return this.deps.app.vaultOrThrow();
    } catch {
      return null;
    }
  }

  /** Why the scheduler is not running, in words that say what to do. */
  private notWatchingReason(): string {
    if (!this.deps.app.exists()) return 'no vault yet';
    if (this.openProblem) return this.openProblem;
    const vault = this.vault();
    if (vault?.deviceKeyStatus().enabled)
      return `${this.unattendedProblem(vault)}. Open Afterword and unlock with your password`;
    return LOCKED;
  }

  /** AppCore.open tried the device key and failed quietly; say why, from what the shell can see. */
  private unattendedProblem(vault: Vault): string {
    const store = this.deps.keyStore;
    if (store.problem) return store.problem;
    const recorded = vault.deviceKeyStatus().backend;
    let current: string;
    try {
      current = store.backend;
    } catch (error) {
      return (error as Error).message;
    }
    if (recorded !== current)
      return `unattended unlock is not available: the key store changed from "${recorded}" to "${current}"`;
    if (store.lastError)
      return `unattended unlock is not available: the ${current} key store failed: ${store.lastError}`;
    return 'unattended unlock is not available: the device key in the key store did not open this vault';
  }
}
