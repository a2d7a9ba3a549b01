import { describe, expect, it, vi } from 'vitest';
import { BadRequestError } from '../core/errors.js';
import { FakeClock, fakeClockFromEnv, fakeElapsedFromEnv, testClockFromEnv } from './fake-clock.js';

const AT = '2031-06-02T08:00:00.000Z';

describe('the fake clocks are reachable only with AFTERWORD_ALLOW_FAKE_CLOCK=1', () => {
  it.each([
    {},
    { AFTERWORD_FAKE_NOW: AT },
    { AFTERWORD_FAKE_NOW: AT, AFTERWORD_ALLOW_FAKE_CLOCK: 'true' },
    { AFTERWORD_ALLOW_FAKE_CLOCK: '0' },
  ])('none for %o', (env) => {
    expect(fakeClockFromEnv(env)).toBeNull();
    expect(testClockFromEnv(env)).toBeNull();
    expect(fakeElapsedFromEnv({ ...env, AFTERWORD_FAKE_ELAPSED_MS: '61000' })).toBeNull();
  });

  it('the CLI: AFTERWORD_FAKE_ELAPSED_MS reads the monotonic clock that far ahead, with a warning', () => {
    const ahead = fakeElapsedFromEnv({ AFTERWORD_ALLOW_FAKE_CLOCK: '1', AFTERWORD_FAKE_ELAPSED_MS: '61000' })!;
    expect(ahead.aheadMs).toBe(61_000);
    expect(ahead.warning).toBe(
      'afterword: warning: the monotonic clock is read 61000 ms ahead (AFTERWORD_FAKE_ELAPSED_MS); never do this for real',
    );
    expect(fakeElapsedFromEnv({ AFTERWORD_ALLOW_FAKE_CLOCK: '1' })).toBeNull();
    for (const bad of ['-5', '1.5', '1m', 'soon'])
      expect(() => fakeElapsedFromEnv({ AFTERWORD_ALLOW_FAKE_CLOCK: '1', AFTERWORD_FAKE_ELAPSED_MS: bad })).toThrow(
        /AFTERWORD_FAKE_ELAPSED_MS is not a whole number of milliseconds/,
      );
  });

  it('the CLI: AFTERWORD_FAKE_NOW starts the clock there, with a warning; without it, no fake clock', () => {
    const fake = fakeClockFromEnv({ AFTERWORD_ALLOW_FAKE_CLOCK: '1', AFTERWORD_FAKE_NOW: AT })!;
    expect(fake.warning).toBe(
      `afterword: warning: using a fake clock (AFTERWORD_FAKE_NOW=${AT}); never do this for real`,
    );
    expect(fake.clock.now() - Date.parse(AT)).toBeGreaterThanOrEqual(0);
    expect(fake.clock.now() - Date.parse(AT)).toBeLessThan(60_000);
    expect(fakeClockFromEnv({ AFTERWORD_ALLOW_FAKE_CLOCK: '1' })).toBeNull();
  });

  it('the CLI: with AFTERWORD_FAKE_CLOCK_FROZEN=1 the wall clock stands at AFTERWORD_FAKE_NOW while real time passes', async () => {
    const fake = fakeClockFromEnv({
      AFTERWORD_ALLOW_FAKE_CLOCK: '1',
      AFTERWORD_FAKE_NOW: AT,
      AFTERWORD_FAKE_CLOCK_FROZEN: '1',
    })!;
    expect(fake.warning).toBe(
      `afterword: warning: using a fake clock (AFTERWORD_FAKE_NOW=${AT}) that stands still; never do this for real`,
    );
    expect(fake.clock.now()).toBe(Date.parse(AT));
    const mono = fake.clock.monotonic();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fake.clock.now()).toBe(Date.parse(AT));
    expect(fake.clock.monotonic()).toBeGreaterThan(mono);
    fake.clock.advance(60_000);
    expect(fake.clock.now()).toBe(Date.parse(AT) + 60_000);
    fake.clock.set(Date.UTC(2020, 0, 1));
    expect(fake.clock.now()).toBe(Date.UTC(2020, 0, 1));
    // Without the guard, neither the fake clock nor the freeze.
    expect(fakeClockFromEnv({ AFTERWORD_FAKE_NOW: AT, AFTERWORD_FAKE_CLOCK_FROZEN: '1' })).toBeNull();
  });

  it('a frozen clock starts exactly at AFTERWORD_FAKE_NOW even when the real clock ticks while it is built', () => {
    let real = Date.UTC(2026, 0, 1);
    const ticking = vi.spyOn(Date, 'now').mockImplementation(() => real++);
    try {
      const frozen = new FakeClock(Date.parse(AT), { frozen: true });
      expect(frozen.now()).toBe(Date.parse(AT));
      expect(frozen.now()).toBe(Date.parse(AT));
    } finally {
      ticking.mockRestore();
    }
  });

  it('serve: the test clock, from AFTERWORD_FAKE_NOW or from now, with a warning that names the route', () => {
    const test = testClockFromEnv({ AFTERWORD_ALLOW_FAKE_CLOCK: '1' })!;
    expect(test.clock).toBeInstanceOf(FakeClock);
    expect(test.warning).toMatch(
      /warning: the test clock is on \(AFTERWORD_ALLOW_FAKE_CLOCK=1, POST \/api\/test\/clock\); never do this for real/,
    );
    expect(Math.abs(test.clock.now() - Date.now())).toBeLessThan(60_000);
    const started = testClockFromEnv({ AFTERWORD_ALLOW_FAKE_CLOCK: '1', AFTERWORD_FAKE_NOW: AT })!;
    expect(started.clock.now() - Date.parse(AT)).toBeLessThan(60_000);
  });

  it('a date that is not ISO 8601 is refused, not ignored', () => {
    const env = { AFTERWORD_ALLOW_FAKE_CLOCK: '1', AFTERWORD_FAKE_NOW: 'next tuesday' };
    expect(() => fakeClockFromEnv(env)).toThrow(BadRequestError);
    expect(() => testClockFromEnv(env)).toThrow(/AFTERWORD_FAKE_NOW is not an ISO 8601 date: next tuesday/);
  });
});

describe('FakeClock', () => {
  it('advance moves wall and monotonic together; set moves only the wall clock', () => {
    const clock = new FakeClock(Date.UTC(2031, 0, 1));
    const wall = clock.now();
    const mono = clock.monotonic();
    clock.advance(86_400_000);
    expect(clock.now() - wall).toBeGreaterThanOrEqual(86_400_000);
    expect(clock.monotonic() - mono).toBeGreaterThanOrEqual(86_400_000);
    const monoBeforeSet = clock.monotonic();
    clock.set(Date.UTC(2020, 0, 1));
    expect(clock.now() - Date.UTC(2020, 0, 1)).toBeLessThan(60_000);
    expect(clock.monotonic()).toBeGreaterThanOrEqual(monoBeforeSet);
    expect(clock.monotonic() - monoBeforeSet).toBeLessThan(60_000);
  });

  it('refuses to go backwards or to a time that is not a number', () => {
    const clock = new FakeClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.set(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
