import { performance } from 'node:perf_hooks';
import type { Clock } from '../ports/clock.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** A clock fixed at one wall time that tests (and the fake-clock mode) can move by hand. */
export class ManualClock implements Clock {
  private mono = 0;
  constructor(private wall: number) {}
  now(): number {
    return this.wall;
  }
  monotonic(): number {
    return this.mono;
  }
  /** Time passes: both clocks move. */
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
  /** Only the wall clock changes (a user or NTP moved it). */
  setWall(ms: number): void {
    this.wall = ms;
  }
}
