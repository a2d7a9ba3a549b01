import type { Logger } from '../../core/ports/logger.js';

/**
 * Minutes of system idle time before the UI locks (the contract's `settings.get` autoLockMinutes;
 * 0 = never). The default is the contract handler's, used until the vault's setting is read.
 */
export const DEFAULT_AUTO_LOCK_MINUTES = 15;
const MAX_MINUTES = 24 * 60;
const POLL_MS = 15_000;

/** A stored value → minutes, or null for "never". Anything invalid falls back to the default. */
export function autoLockMinutes(value: unknown): number | null {
  if (value === 0 || value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_MINUTES) return value;
  return DEFAULT_AUTO_LOCK_MINUTES;
}

export interface AutoLockDeps {
  /** Seconds without keyboard or mouse input, system-wide (powerMonitor.getSystemIdleTime). */
  idleSeconds(): number;
  isUnlocked(): boolean;
  lock(reason: 'idle'): Promise<void> | void;
  log: Logger;
  pollMs?: number;
}

/** Locks the UI session after N idle minutes, checking the system idle time on a timer. */
export class AutoLock {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly deps: AutoLockDeps,
    private minutes: number | null = DEFAULT_AUTO_LOCK_MINUTES,
  ) {}

  get setting(): number | null {
    return this.minutes;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.deps.pollMs ?? POLL_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Minutes, or null for never; takes effect at the next check. */
  setMinutes(minutes: number | null): void {
    this.minutes = minutes === null ? null : autoLockMinutes(minutes);
  }

  /** One check; also what the timer runs. */
  check(): void {
    if (this.minutes === null || !this.deps.isUnlocked()) return;
    const idle = this.deps.idleSeconds();
    if (idle < this.minutes * 60) return;
    this.deps.log.info('locking after idle time', { idleMinutes: Math.floor(idle / 60) });
    try {
      Promise.resolve(this.deps.lock('idle')).catch((error: unknown) =>
        this.deps.log.error('auto-lock failed', { error: (error as Error).message }),
      );
    } catch (error) {
      this.deps.log.error('auto-lock failed', { error: (error as Error).message });
    }
  }
}
