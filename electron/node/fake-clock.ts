import { BadRequestError } from '../core/errors.js';
import type { Clock } from '../core/ports/clock.js';
import { monotonicMs } from './monotonic-ms.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * NEVER FOR REAL USE: a clock for black-box tests of time through the built CLI and runner. It is
 * real time plus offsets: `advance` moves the wall and the monotonic clock together (time really
 * passed, as if the machine had been running); `set` moves only the wall clock (like a user or NTP
 * changing it: the scheduler's clock guard sees a jump). A moved clock makes plans fall due early,
 * so it is only ever built by the two functions below, and only when AFTERWORD_ALLOW_FAKE_CLOCK=1.
 */
export class FakeClock implements Clock {
  private wallOffset = 0;
  private monoOffset = 0;
  /** The real time the wall clock stopped at, when frozen: only `advance` and `set` move it then. */
  private readonly frozenAt: number | null;

  constructor(startWall?: number, options: { frozen?: boolean } = {}) {
    // One reading of the real clock for both: a millisecond passing between two readings would
    // start a frozen clock 1 ms past `startWall`.
    const realNow = Date.now();
    if (startWall !== undefined) this.wallOffset = startWall - realNow;
    this.frozenAt = options.frozen ? realNow : null;
  }

  now(): number {
    return Math.floor((this.frozenAt ?? Date.now()) + this.wallOffset);
  }

  monotonic(): number {
    return monotonicMs() + this.monoOffset;
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
    this.wallOffset = at - (this.frozenAt ?? Date.now());
  }
}

const allowed = (env: Env): boolean => env.AFTERWORD_ALLOW_FAKE_CLOCK === '1';

function fakeStart(env: Env): number | undefined {
  const raw = env.AFTERWORD_FAKE_NOW;
  if (!raw) return undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) throw new BadRequestError(`AFTERWORD_FAKE_NOW is not an ISO 8601 date: ${raw}`);
  return at;
}

/**
 * The CLI's clock for one command: AFTERWORD_FAKE_NOW (ISO 8601) starts it there, only when
 * AFTERWORD_ALLOW_FAKE_CLOCK=1 is set too; otherwise it is ignored (null). The warning must be shown.
 * With AFTERWORD_FAKE_CLOCK_FROZEN=1 too, the wall clock stays at that time for the whole command,
 * so a test that runs commands at given times gets the same result however slowly they run.
 */
export function fakeClockFromEnv(env: Env): { clock: FakeClock; warning: string } | null {
  const raw = env.AFTERWORD_FAKE_NOW;
  if (!raw || !allowed(env)) return null;
  const frozen = env.AFTERWORD_FAKE_CLOCK_FROZEN === '1';
  return {
    clock: new FakeClock(fakeStart(env), { frozen }),
    warning: `afterword: warning: using a fake clock (AFTERWORD_FAKE_NOW=${raw})${frozen ? ' that stands still' : ''}; never do this for real`,
  };
}

/**
 * `afterword serve`'s clock that tests move through POST /api/test/clock: only with
 * AFTERWORD_ALLOW_FAKE_CLOCK=1 (null otherwise), starting at AFTERWORD_FAKE_NOW when it is given.
 * The warning must be shown.
 */
export function testClockFromEnv(env: Env): { clock: FakeClock; warning: string } | null {
  if (!allowed(env)) return null;
  return {
    clock: new FakeClock(fakeStart(env)),
    warning:
      'afterword: warning: the test clock is on (AFTERWORD_ALLOW_FAKE_CLOCK=1, POST /api/test/clock); never do this for real',
  };
}

/**
 * NEVER FOR REAL USE: how far ahead the CLI reads the machine's monotonic clock (AFTERWORD_FAKE_ELAPSED_MS,
 * whole milliseconds), so a test can let a session's minute pass on the monotonic clock without
 * waiting for it. Only with AFTERWORD_ALLOW_FAKE_CLOCK=1 (null otherwise). The warning must be shown.
 */
export function fakeElapsedFromEnv(env: Env): { aheadMs: number; warning: string } | null {
  const raw = env.AFTERWORD_FAKE_ELAPSED_MS;
  if (!raw || !allowed(env)) return null;
  if (!/^\d{1,12}$/.test(raw)) {
    throw new BadRequestError(`AFTERWORD_FAKE_ELAPSED_MS is not a whole number of milliseconds: ${raw}`);
  }
  return {
    aheadMs: Number(raw),
    warning: `afterword: warning: the monotonic clock is read ${raw} ms ahead (AFTERWORD_FAKE_ELAPSED_MS); never do this for real`,
  };
}
