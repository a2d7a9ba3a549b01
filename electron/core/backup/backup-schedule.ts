import { DAY_MS, MINUTE_MS } from '../../../shared/durations.js';

/** A change is pushed once the vault has been quiet this long (one edit after another is one push). */
export const DEBOUNCE_MS = 2 * MINUTE_MS;
/** An idle vault is pushed at least this often. */
export const DAILY_MS = DAY_MS;
/** The first retry after a failure; each next one waits twice as long, up to RETRY_MAX_MS. */
export const RETRY_FIRST_MS = 5 * MINUTE_MS;
export const RETRY_MAX_MS = 60 * MINUTE_MS;
/** Failing this long is a problem in `status` and a notice to the owner. */
export const FAILING_AFTER_MS = DAY_MS;
/** While it lasts, the owner is reminded this often (after the first notice). */
export const REMIND_EVERY_MS = 7 * DAY_MS;

/** The newest snapshot this vault stored (`backup.last`). */
export interface LastBackup {
  at: number;
  seq: number;
  snapshotId: string;
  /** The audit log's newest row when the snapshot was taken: a content row after it is a change. */
  auditSeq?: number;
  /** When the database was copied for it (ms): a draft saved after that is a change. */
  copiedAt?: number;
}

/** Automatic pushes failing since `since` (`backup.failure`), cleared by the next success. */
export interface BackupFailure {
  since: number;
  /** `CODE: the server's answer`. */
  lastError: string;
  attempts: number;
  /** When the next attempt is due. */
  nextAt: number;
  /** Which notice the owner was last sent (0: the first, 1: the first reminder…), if any. */
  told?: number;
  /**
   * The bucket held what this vault did not write (changed, missing or foreign objects, an older
   * state put back): no outage that may pass by itself, so the owner is told at once.
   */
  tampered?: boolean;
}

/** What decides the next automatic push. */
export interface BackupFacts {
  configured: boolean;
  last: LastBackup | null;
  failure: BackupFailure | null;
  /** The newest change to the vault's content after the last snapshot was taken (its audit row). */
  change: { seq: number; at: number } | null;
  /** A restored copy not resumed yet: no automatic push. */
  waitsForResume: boolean;
}

/** The wait before attempt `attempts + 1`: 5 min, 10, 20, 40, then every hour. */
export function retryDelay(attempts: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_MS);
}

/**
 * When the scheduler pushes next (due when it is not after `now`), or null without a target: a
 * retry while failing; else at once when nothing was ever pushed; else the end of the quiet time
 * after the newest change, or a day after the last push, whichever comes first. A stamp later than
 * `now` (the clock was set back) makes the push due at once, or it would wait for the clock to
 * catch up: a push too many is harmless, days without one are not.
 */
export function nextPushAt(facts: BackupFacts, now: number): number | null {
  if (!facts.configured || facts.waitsForResume) return null;
  if (facts.failure) return Math.min(facts.failure.nextAt, now + RETRY_MAX_MS);
  if (!facts.last) return now;
  const daily = facts.last.at > now ? now : facts.last.at + DAILY_MS;
  if (!facts.change) return daily;
  return Math.min(daily, facts.change.at > now ? now : facts.change.at + DEBOUNCE_MS);
}

/** From when a failure is a problem: a day after it began, or at once for a tampered bucket. */
export function problemFrom(failure: Pick<BackupFailure, 'since' | 'tampered'>): number {
  return failure.tampered ? failure.since : failure.since + FAILING_AFTER_MS;
}

/** The notice due for a failure at `now` (0 the first, then one per REMIND_EVERY_MS), or null before it is a problem. */
export function noticeDue(failure: Pick<BackupFailure, 'since' | 'told' | 'tampered'>, now: number): number | null {
  const from = problemFrom(failure);
  if (now < from) return null;
  const index = Math.floor((now - from) / REMIND_EVERY_MS);
  return failure.told !== undefined && failure.told >= index ? null : index;
}
