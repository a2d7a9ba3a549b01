import { uptime } from 'node:os';
import type { Clock } from '../core/ports/clock.js';
import { monotonicMs } from './monotonic-ms.js';

/** Below this, a difference between the boot clock and the monotonic one is their resolution, not sleep. */
const BOOT_CLOCK_RESOLUTION_MS = 1_000;

export interface MonotonicSources {
  /** Never jumps with the wall clock; stops while the machine sleeps (CLOCK_MONOTONIC). */
  awake: () => number;
  /** Seconds since boot, counting time asleep, or null where that reading follows the wall clock. */
  sinceBoot: (() => number) | null;
}

/**
 * Where the system's uptime counts time asleep and ignores wall-clock changes (Linux: /proc/uptime,
 * i.e. CLOCK_BOOTTIME; Windows: GetTickCount64), it is the boot clock. macOS computes uptime from
 * the wall clock, so there is none: there the desktop shell tells the scheduler about a wake-up.
 */
export function platformSources(platform: NodeJS.Platform = process.platform): MonotonicSources {
  return {
    awake: monotonicMs,
    sinceBoot: platform === 'linux' || platform === 'win32' ? () => uptime() : null,
  };
}

/**
 * Monotonic time that also counts time asleep: the monotonic clock (fine-grained, but it stops
 * while the machine sleeps) plus the time the boot clock says the machine slept. The scheduler's
 * clock guard then sees a night of sleep as time that really passed — not as a wall-clock jump,
 * which would restart the running wait every morning on a laptop running `afterword serve`.
 * Without a boot clock it is the monotonic clock alone.
 */
export function sleepAwareMonotonic(sources: MonotonicSources = platformSources()): () => number {
  const { awake, sinceBoot } = sources;
  if (!sinceBoot) return awake;
  const awake0 = awake();
  let boot0: number;
  try {
    boot0 = sinceBoot() * 1000;
  } catch {
    return awake; // no readable uptime here: the monotonic clock alone (the shell's resume rebase protects)
  }
  let slept = 0;
  return () => {
    const awakeMs = awake() - awake0;
    const bootMs = sinceBoot() * 1000 - boot0;
    // Never decreases; grows only by more than the boot clock's resolution.
    if (bootMs - awakeMs > slept + BOOT_CLOCK_RESOLUTION_MS) slept = bootMs - awakeMs;
    return awake0 + awakeMs + slept;
  };
}

const sources = platformSources();
const monotonic = sleepAwareMonotonic(sources);

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic,
  // sleepAwareMonotonic hands back the monotonic clock itself where it has no boot clock to add.
  countsSleep: monotonic !== sources.awake,
};
