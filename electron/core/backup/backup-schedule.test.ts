import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../shared/durations.js';
import { DEBOUNCE_MS, nextPushAt, noticeDue, retryDelay, type BackupFacts } from './backup-schedule.js';

const T = Date.UTC(2026, 0, 1);
const last = { at: T, seq: 3, snapshotId: 'snap', auditSeq: 10 };
const facts = (over: Partial<BackupFacts> = {}): BackupFacts => ({
  configured: true,
  last,
  failure: null,
  change: null,
  waitsForResume: false,
  ...over,
});

describe('when the next automatic push is due', () => {
  it('never without a target; at once when nothing was ever pushed', () => {
    expect(nextPushAt(facts({ configured: false }), T)).toBeNull();
    expect(nextPushAt(facts({ last: null }), T)).toBe(T);
  });

  it('never for a restored copy the owner has not resumed (it would build on the original)', () => {
    expect(nextPushAt(facts({ waitsForResume: true, change: { seq: 11, at: T } }), T + DAY_MS * 3)).toBeNull();
  });

  it('a day after the last push, or the quiet time after a change, whichever is first', () => {
    expect(nextPushAt(facts(), T + HOUR_MS)).toBe(T + DAY_MS);
    const change = { seq: 11, at: T + HOUR_MS };
    expect(nextPushAt(facts({ change }), T + HOUR_MS)).toBe(T + HOUR_MS + DEBOUNCE_MS);
    expect(nextPushAt(facts({ last: { ...last, at: T - DAY_MS + MINUTE_MS }, change }), T + HOUR_MS)).toBe(
      T + MINUTE_MS,
    );
  });

  it('at once when the clock was set back before the last push or the change', () => {
    expect(nextPushAt(facts(), T - 30 * DAY_MS)).toBe(T - 30 * DAY_MS);
    const back = T + HOUR_MS - 30 * DAY_MS;
    expect(nextPushAt(facts({ last: { ...last, at: back - HOUR_MS }, change: { seq: 11, at: T } }), back)).toBe(back);
  });

  it('while failing: the retry, never more than an hour away', () => {
    const failure = { since: T, lastError: 'X: y', attempts: 2, nextAt: T + 10 * MINUTE_MS };
    expect(nextPushAt(facts({ failure }), T)).toBe(T + 10 * MINUTE_MS);
    expect(nextPushAt(facts({ failure: { ...failure, nextAt: T + 50 * DAY_MS } }), T)).toBe(T + HOUR_MS);
  });
});

describe('retries and notices', () => {
  it('waits 5 minutes, doubling to an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(retryDelay)).toEqual([5, 10, 20, 40, 60, 60, 60].map((m) => m * MINUTE_MS));
  });

  it('tells the owner after a day, then each week, each notice once', () => {
    expect(noticeDue({ since: T }, T + DAY_MS - 1)).toBeNull();
    expect(noticeDue({ since: T }, T + DAY_MS)).toBe(0);
    expect(noticeDue({ since: T, told: 0 }, T + 7 * DAY_MS)).toBeNull();
    expect(noticeDue({ since: T, told: 0 }, T + 8 * DAY_MS)).toBe(1);
    expect(noticeDue({ since: T, told: 1 }, T + 9 * DAY_MS)).toBeNull();
    // A tampered or rolled-back bucket is told at once, then weekly like the rest.
    expect(noticeDue({ since: T, tampered: true }, T)).toBe(0);
    expect(noticeDue({ since: T, tampered: true, told: 0 }, T + 6 * DAY_MS)).toBeNull();
    expect(noticeDue({ since: T, tampered: true, told: 0 }, T + 7 * DAY_MS)).toBe(1);
  });
});
