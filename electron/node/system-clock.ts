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

/**
 * For black-box tests of time: the wall clock starts at `startWall` and runs at normal speed.
 * Only built when AFTERWORD_ALLOW_FAKE_CLOCK=1 is also set (see fakeClockFromEnv).
 */
export function offsetClock(startWall: number): Clock {
  const origin = performance.now();
  return {
    now: () => Math.floor(startWall + (performance.now() - origin)),
    monotonic: () => performance.now(),
  };
}

/**
 * AFTERWORD_FAKE_NOW (ISO 8601) moves the clock only when AFTERWORD_ALLOW_FAKE_CLOCK=1 is set
 * too; otherwise it is ignored. Returns null when no fake clock applies.
 */
export function fakeClockFromEnv(env: Readonly<Record<string, string | undefined>>): { clock: Clock; warning: string } | null {
  const raw = env.AFTERWORD_FAKE_NOW;
  if (!raw || env.AFTERWORD_ALLOW_FAKE_CLOCK !== '1') return null;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) throw new Error(`AFTERWORD_FAKE_NOW is not an ISO 8601 date: ${raw}`);
  return { clock: offsetClock(at), warning: `afterword: warning: using a fake clock (AFTERWORD_FAKE_NOW=${raw}); never do this for real` };
}
