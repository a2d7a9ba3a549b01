import { performance } from 'node:perf_hooks';
import type { Clock } from '../../core/ports/clock.js';

/**
 * The runner's clock when AFTERWORD_ALLOW_FAKE_CLOCK=1: real time plus offsets that tests move
 * through `POST /api/test/clock`. `set` moves only the wall clock (like a user or NTP changing
 * it: the scheduler's clock guard sees a jump); `advance` moves the wall and the monotonic clock
 * together (time really passed, as if the machine had been running).
 */
export class ControllableClock implements Clock {
  private wallOffset = 0;
  private monoOffset = 0;

  constructor(startWall?: number) {
    if (startWall !== undefined) this.wallOffset = startWall - Date.now();
  }

  now(): number {
    return Math.floor(Date.now() + this.wallOffset);
  }

  monotonic(): number {
    return performance.now() + this.monoOffset;
  }

  /** Time passes: wall and monotonic move by `ms` (never backwards). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance takes a non-negative number of milliseconds');
    this.wallOffset += ms;
    this.monoOffset += ms;
  }

  /** The wall clock is set to `at` (ms since the epoch); the monotonic clock does not move. */
  set(at: number): void {
    if (!Number.isFinite(at)) throw new RangeError('set takes a time in milliseconds since the epoch');
    this.wallOffset = at - Date.now();
  }
}
