import type { PublishedCheckin } from './checkin-record.js';

/** The part of a lease the hand-back needs (RunnerCoordination, or StandbyLease through a small adapter). */
export interface LeaseHolder {
  /** Whether this runner holds the lease now. */
  holds(): boolean;
  /** Hands the lease back (holder none, epoch + 1); true when that was written. */
  release(): Promise<boolean>;
}

/**
 * The hand-back: a standby that holds the lease and has just applied a check-in made on the
 * primary (which cancelled what was pending: the person is alive and at the primary) releases the
 * lease, so the primary takes it at once on its next lease step. Call it only after the check-in
 * is applied. True when the lease was handed back.
 */
export async function handBackAfterPrimaryCheckin(
  applied: readonly PublishedCheckin[],
  role: 'primary' | 'standby',
  lease: LeaseHolder,
): Promise<boolean> {
  if (role !== 'standby') return false;
  if (!applied.some((checkin) => checkin.role === 'primary')) return false;
  if (!lease.holds()) return false;
  return lease.release();
}
