import type { Clock } from '../ports/clock.js';
import type { AuditEntry, AuditLog } from '../audit/audit-log.js';
import type { ContentKey } from '../crypto/envelope.js';
import type { VaultDb } from '../db/open-database.js';
import type { DeliveryAttemptsTable, OutboxStatus } from '../db/schema.js';
import type { PreparedQuery } from '../db/sync-query.js';
import { PlanStore } from '../schedule/plan-store.js';
import type { SendResult } from './delivery-types.js';
import type { Outbox, OutboxRow } from './outbox.js';
import { enqueueOwnerNotice } from './owner-notices.js';
import { redactResponse } from './redact-response.js';
import { channelKind, nextRetryAt } from './retry-policy.js';
import type { SentJournal } from './sent-journal.js';

/** A send that finished at `at`, waiting to be recorded; `fromJournal`: noted by a process that died. */
export interface Finished {
  row: OutboxRow;
  result: SendResult;
  at: number;
  fromJournal?: boolean;
  /** Not sent from here: another runner sent it (its name, and its clock's time of the send). */
  elsewhere?: { runner: string; at: number };
  /** summarize(row, result.response), when the worker already made it (for the sent journal's note). */
  summary?: string;
}

/**
 * Responses are kept short, without the addresses and URLs a server may echo, and, for
 * deliveries, reduced to their status: a receiver may echo content.
 */
export function summarize(row: OutboxRow, response: string): string {
  const firstLine = redactResponse(response.split(/\r?\n/, 1)[0] ?? '');
  const text =
    row.kind === 'delivery'
      ? (firstLine.match(/^(HTTP \d{3}|\d{3}[ -]?\S*)/)?.[0] ?? firstLine.slice(0, 40))
      : firstLine;
  return text.slice(0, 200);
}

export interface OutboxRecorderDeps {
  db: VaultDb;
  clock: Clock;
  key: ContentKey;
  audit: AuditLog;
  outbox: Outbox;
}

/**
 * Writes what became of finished sends: the row's status and next attempt (retry schedule, up to
 * five days), an attempt row, an audit row, the plan poked, the sent journal's note removed; a
 * permanent failure of a warning or delivery is reported to the owner through the other channels.
 */
export class OutboxRecorder {
  private readonly plans: PlanStore;

  constructor(
    private readonly deps: OutboxRecorderDeps,
    private readonly journal: SentJournal,
  ) {
    this.plans = new PlanStore(deps.db);
  }

  /** Records a group of results in one transaction; plans are poked once per group. */
  recordAll(batch: readonly Finished[]): ('sent' | 'retrying' | 'failed')[] {
    const { db, clock, audit } = this.deps;
    return db.q.transaction(() => {
      const now = clock.now();
      const touchedPlans = new Set<string>();
      const auditEntries: AuditEntry[] = [];
      this.journal.forgetAll(batch.flatMap((finished) => (finished.result.ok ? [finished.row.id] : [])));
      const outcomes = batch.map((finished) => this.recordOne(finished, now, touchedPlans, auditEntries));
      // One read of the chain's end and one seal for the whole group (see AuditLog.appendMany).
      audit.appendMany(auditEntries);
      if (touchedPlans.size > 0) this.plans.poke(now, [...touchedPlans]);
      return outcomes;
    });
  }

  /** The queries recordOne runs for every mail, compiled once (see SyncQuery.prepared). */
  private recordQueries?: {
    attempt: PreparedQuery<Omit<DeliveryAttemptsTable, 'id'>, unknown>;
    status: PreparedQuery<{ id: string }, { status: OutboxStatus }>;
    noteCancelled: PreparedQuery<{ id: string; lastError: string | null; now: number }, unknown>;
    finish: PreparedQuery<
      {
        id: string;
        status: OutboxStatus;
        nextAttemptAt: number;
        completedAt: number | null;
        lastError: string | null;
        now: number;
      },
      unknown
    >;
  };

  private recordStatements(): NonNullable<OutboxRecorder['recordQueries']> {
    const { q, kysely: k } = this.deps.db;
    return (this.recordQueries ??= {
      attempt: q.prepared((p: Omit<DeliveryAttemptsTable, 'id'>) =>
        k.insertInto('delivery_attempts').values({
          id: null,
          outbox_id: p.outbox_id,
          at: p.at,
          outcome: p.outcome,
          error_code: p.error_code,
          response: p.response,
        }),
      ),
      status: q.prepared((p: { id: string }) => k.selectFrom('outbox').select('status').where('id', '=', p.id)),
      noteCancelled: q.prepared((p: { id: string; lastError: string | null; now: number }) =>
        k.updateTable('outbox').set({ last_error: p.lastError, updated_at: p.now }).where('id', '=', p.id),
      ),
      finish: q.prepared(
        (p: {
          id: string;
          status: OutboxStatus;
          nextAttemptAt: number;
          completedAt: number | null;
          lastError: string | null;
          now: number;
        }) =>
          k
            .updateTable('outbox')
            .set({
              status: p.status,
              next_attempt_at: p.nextAttemptAt,
              completed_at: p.completedAt,
              last_error: p.lastError,
              updated_at: p.now,
            })
            .where('id', '=', p.id),
      ),
    });
  }

  /** Call inside a transaction; the caller appends `auditEntries` to the audit log in order. */
  private recordOne(
    { row, result, at, fromJournal, elsewhere, summary: made }: Finished,
    now: number,
    touchedPlans: Set<string>,
    auditEntries: AuditEntry[],
  ): 'sent' | 'retrying' | 'failed' {
    const s = this.recordStatements();
    const retryAt =
      result.ok || result.permanent
        ? null
        : nextRetryAt(channelKind(row.channel), row.attempts, row.first_attempt_at ?? at, at, result.retryAfterMs);
    const outcome = result.ok ? 'sent' : retryAt === null ? 'failed' : 'retrying';
    const summary = made ?? summarize(row, result.response);
    const lastError = result.ok ? null : `${result.errorCode}: ${summary}`;
    const attempt = (recorded: 'sent' | 'retry' | 'failed') =>
      s.attempt.run({
        outbox_id: row.id,
        at,
        outcome: recorded,
        error_code: result.ok ? null : result.errorCode,
        response: summary,
      });
    // A check-in (or pause, stop) cancelled the row while it was being sent: a temporary failure
    // ends it there. Putting it back in the queue would deliver a message after "I'm here".
    // Likewise a row already recorded as sent (or failed) is never put back.
    if (outcome === 'retrying') {
      const current = s.status.get({ id: row.id });
      if (current && current.status !== 'sending') {
        attempt('failed');
        if (current.status === 'cancelled') s.noteCancelled.run({ id: row.id, lastError, now });
        return 'failed';
      }
    }
    attempt(outcome === 'retrying' ? 'retry' : outcome);
    s.finish.run({
      id: row.id,
      status: outcome === 'retrying' ? 'pending' : outcome,
      nextAttemptAt: retryAt ?? row.next_attempt_at,
      // When the send finished, not when it was recorded: a warning's wait starts at its receipt.
      completedAt: outcome === 'retrying' ? null : at,
      lastError,
      now,
    });
    if (row.plan_id && (row.kind === 'warning' || row.kind === 'delivery') && outcome !== 'retrying') {
      touchedPlans.add(row.plan_id);
    }
    if (outcome !== 'retrying') {
      auditEntries.push({
        action: outcome === 'sent' ? 'outbox.sent' : 'outbox.failed',
        entityType: 'outbox',
        entityId: row.id,
        detail: {
          kind: row.kind,
          channel: row.channel,
          attempts: row.attempts,
          ...(result.ok ? {} : { errorCode: result.errorCode }),
          ...(fromJournal ? { recordedAfterRestart: true } : {}),
          ...(elsewhere ? { sentBy: elsewhere.runner, sentByAt: elsewhere.at } : {}),
        },
      });
    }
    if (outcome === 'failed' && (row.kind === 'warning' || row.kind === 'delivery')) this.reportFailure(row, result);
    return outcome;
  }

  /** A failure nobody hears about is a silent non-delivery: tell the owner on every other channel. */
  private reportFailure(row: OutboxRow, result: SendResult): void {
    const errorCode = result.ok ? '' : result.errorCode;
    const what = row.kind === 'delivery' ? 'A message delivery' : `Warning ${row.level ?? ''}`.trim();
    // A warning to the owner by e-mail or to one webhook failed: say so on the others. A delivery
    // refused for a recipient says nothing about the owner's channels: all of them are used.
    enqueueOwnerNotice(this.deps, {
      id: row.id,
      subject: `Afterword could not send: ${what} via ${row.channel}`,
      text: `${what} via ${row.channel} failed permanently (${errorCode}). Check the channel settings and run \`afterword status\`.`,
      planId: row.plan_id,
      exceptChannel: row.kind === 'warning' ? row.channel : null,
    });
    if (row.kind === 'warning') this.warnOnDesktopInstead(row);
  }

  /**
   * A warning that could not be sent is given on the desktop as well (the way the scheduler
   * warns when a level has no usable channel): the prompt with "I'm here", not just a notice.
   * While it is out the level is not issued, so a level whose every channel failed is timed from
   * this desktop warning — the owner was told — rather than from the failure.
   *
   * Only once no other warning of the level is still being tried: a desktop warning counts at
   * once, and while the owner's e-mail is merely retrying (the relay down for an hour) the level
   * must wait for it, not go on on the desktop alone. Only for the level the plan is on: a late
   * failure of a level the plan has left changes nothing. The key is the scheduler's, so a level
   * that already warned on the desktop gets no second prompt.
   */
  private warnOnDesktopInstead(row: OutboxRow): void {
    const { plan_id: planId, cycle, level } = row;
    if (row.channel === 'desktop' || !planId || cycle === null || level === null) return;
    const rt = this.plans.runtime(planId);
    if (rt.cycle !== cycle || rt.level !== level || (rt.phase !== 'warning' && rt.phase !== 'waiting')) return;
    if (this.deps.outbox.warningsOut(planId, cycle, level, row.id) > 0) return;
    this.deps.outbox.enqueue({
      kind: 'warning',
      channel: 'desktop',
      planId,
      level,
      cycle,
      idempotencyKey: `warning:${planId}:${cycle}:${level}:desktop`,
    });
  }
}
