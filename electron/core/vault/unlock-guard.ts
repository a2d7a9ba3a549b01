import type { Clock } from '../ports/clock.js';
import type { SyncQuery } from '../db/sync-query.js';
import type { Kysely } from 'kysely';
import type { VaultDatabase } from '../db/schema.js';
import { LockedOutError } from './vault-errors.js';

export const FREE_ATTEMPTS = 5;
export const FIRST_DELAY_MS = 30_000;
export const MAX_DELAY_MS = 60 * 60 * 1000;

/** How long to wait after `failures` consecutive failures before the next attempt is heard. */
export function backoffDelayMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  const exponent = Math.min(failures - FREE_ATTEMPTS, 30);
  return Math.min(FIRST_DELAY_MS * 2 ** exponent, MAX_DELAY_MS);
}

/**
 * Counts failed unlocks in the vault itself, so the backoff survives restarts. This slows down
 * guessing through the app (UI, CLI, runner); someone who copies the vault file can guess offline,
 * which is what scrypt's cost is for. The count is kept in memory too: on a full disk (or read-only
 * files) the row cannot be written, and the backoff must still apply within this process.
 */
export class UnlockGuard {
  private memory: { failures: number; lastFailureAt: number | null } = { failures: 0, lastFailureAt: null };

  constructor(
    private readonly db: Kysely<VaultDatabase>,
    private readonly q: SyncQuery,
    private readonly clock: Clock,
    /** Wrong passwords, or wrong recovery keys: each has its own count. */
    private readonly table: 'unlock_guard' | 'recovery_guard' = 'unlock_guard',
  ) {}

  state(): { failures: number; lastFailureAt: number | null; retryAfterMs: number } {
    const row = this.q.get(this.db.selectFrom(this.table).selectAll().where('id', '=', 1));
    // Whichever knows of more failures: the row (other processes count there too) or this process.
    const fromMemory = this.memory.failures > (row?.failures ?? 0);
    const failures = fromMemory ? this.memory.failures : (row?.failures ?? 0);
    const lastFailureAt = fromMemory ? this.memory.lastFailureAt : (row?.last_failure_at ?? null);
    const delay = backoffDelayMs(failures);
    if (delay === 0 || lastFailureAt === null) return { failures, lastFailureAt, retryAfterMs: 0 };
    const now = this.clock.now();
    // A clock set backwards must not shorten the wait: then the whole delay counts from now.
    const elapsed = now >= lastFailureAt ? now - lastFailureAt : 0;
    return { failures, lastFailureAt, retryAfterMs: Math.max(0, delay - elapsed) };
  }

  /** Throws LockedOutError while a wait is running; the password is then not even tried. */
  assertMayAttempt(): void {
    const { retryAfterMs, lastFailureAt } = this.state();
    if (retryAfterMs === 0) return;
    const now = this.clock.now();
    if (lastFailureAt !== null && now < lastFailureAt) {
      // The clock is behind the last failure: start the full wait now, as reported, so that it
      // ends after retryAfterMs instead of once the wall clock has caught up with the old failure.
      if (this.memory.lastFailureAt !== null) this.memory.lastFailureAt = now;
      this.q.run(this.db.updateTable(this.table).set({ last_failure_at: now }).where('id', '=', 1));
    }
    throw new LockedOutError(retryAfterMs);
  }

  /**
   * Returns the refusal (instead of throwing it) so that the clock correction made by
   * assertMayAttempt is committed when run inside a transaction; null when an attempt may go on.
   */
  check(): LockedOutError | null {
    try {
      this.assertMayAttempt();
      return null;
    } catch (error) {
      if (error instanceof LockedOutError) return error;
      throw error;
    }
  }

  recordFailure(): number {
    const failures = this.state().failures + 1;
    this.memory = { failures, lastFailureAt: this.clock.now() };
    this.q.run(
      this.db.updateTable(this.table).set({ failures, last_failure_at: this.clock.now() }).where('id', '=', 1),
    );
    return failures;
  }

  reset(): void {
    this.memory = { failures: 0, lastFailureAt: null };
    this.q.run(this.db.updateTable(this.table).set({ failures: 0, last_failure_at: null }).where('id', '=', 1));
  }
}
