import type { Clock } from '../ports/clock.js';

/** A test double: a clock fixed at one wall time that a test moves by hand. */
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
