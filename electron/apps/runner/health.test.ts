// /healthz's verdict: a running scheduler must complete a pass of its own, not live on the last
// tick another process (or this one before a restart) left in the vault.
import { describe, expect, it } from 'vitest';
import { FIRST_PASS_GRACE_MS, healthProblem, STALE_PASS_MS } from './health.js';

const START = 1_000_000;
const unlocked = (lastTickAgeMs: number | null) => ({ vault: 'unlocked' as const, lastTickAgeMs });

describe('healthProblem', () => {
  it('gives a starting scheduler a short grace for its first pass, then says it has none', () => {
    const waiting = { startedAt: START, passCompleted: false };
    expect(healthProblem(unlocked(null), true, waiting, START + FIRST_PASS_GRACE_MS)).toBeNull();
    expect(healthProblem(unlocked(null), true, waiting, START + FIRST_PASS_GRACE_MS + 60_000)).toBe(
      'the scheduler has not completed a pass since it started 3 minutes ago',
    );
    // A recent tick in the vault from before the restart does not hide it.
    expect(healthProblem(unlocked(30_000), true, waiting, START + FIRST_PASS_GRACE_MS + 1)).toMatch(
      /not completed a pass since it started/,
    );
  });

  it('is healthy once a pass completed, until the ticks go stale', () => {
    const done = { startedAt: START, passCompleted: true };
    expect(healthProblem(unlocked(0), true, done, START + 10 * STALE_PASS_MS)).toBeNull();
    expect(healthProblem(unlocked(STALE_PASS_MS + 60_000), true, done, START)).toBe(
      'the scheduler has not completed a pass for 6 minutes',
    );
  });

  it('keeps the other verdicts', () => {
    expect(healthProblem({ vault: 'missing', lastTickAgeMs: null }, false)).toBeNull();
    expect(healthProblem(unlocked(null), false)).toBe('the scheduler is not running');
    expect(healthProblem({ vault: 'locked', lastTickAgeMs: null }, false)).toMatch(/locked/);
  });
});
