import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { SchedulerLoop } from './scheduler-loop.js';

function fakeEngine(runMs = 0) {
  const calls: string[] = [];
  let rebased = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const engine = {
    scheduler: { rebaseClock: () => void rebased++ },
    async runOnce(source: string) {
      calls.push(source);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, runMs));
      inFlight--;
      return {
        tick: { at: 0, clockJumpMs: 0, transitions: [] },
        drain: { attempted: 0, sent: 0, retrying: 0, failed: 0 },
      };
    },
  } as unknown as Engine;
  return { engine, calls, rebased: () => rebased, maxInFlight: () => maxInFlight };
}

describe('SchedulerLoop', () => {
  it('ticks at start, on the cron schedule, and on resume (rebasing the clock guard)', async () => {
    const fake = fakeEngine();
    const loop = new SchedulerLoop(fake.engine, { cron: '* * * * * *' });
    await loop.start();
    // The every-second timer may fire while the start run is in flight: then one more run follows.
    expect(fake.calls[0]).toBe('start');
    expect(fake.calls.slice(1).every((c) => c === 'timer')).toBe(true);
    expect(fake.calls.length).toBeLessThanOrEqual(2);
    await expect
      .poll(() => fake.calls.filter((c) => c === 'timer').length, { timeout: 5_000 })
      .toBeGreaterThanOrEqual(1);
    await loop.onResume();
    expect(fake.rebased()).toBe(1);
    expect(fake.calls.at(-1)).toBe('resume');
    await loop.stop();
    const count = fake.calls.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(fake.calls.length).toBe(count);
  });

  it('never overlaps runs; a request during a run causes exactly one more run; stop waits for it', async () => {
    const fake = fakeEngine(200);
    const loop = new SchedulerLoop(fake.engine, { cron: '0 0 1 1 *' });
    const first = loop.start();
    void loop.runNow('a');
    void loop.runNow('b');
    await first;
    expect(fake.maxInFlight()).toBe(1);
    // 'a' and 'b' came while 'start' ran: one more run, named after the latest request.
    expect(fake.calls).toEqual(['start', 'b']);
    void loop.runNow('late');
    await loop.stop();
    expect(fake.calls.at(-1)).toBe('late');
  });

  it('refuses an invalid cron expression', () => {
    expect(() => new SchedulerLoop(fakeEngine().engine, { cron: 'every minute' })).toThrow(/invalid cron/);
  });
});
