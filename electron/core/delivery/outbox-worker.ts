import type { Statement } from 'better-sqlite3';
import type { Clock } from '../../ports/clock.js';
import type { Notifier } from '../../ports/notifier.js';
import type { AuditEntry, AuditLog } from '../audit/audit-log.js';
import type { ContentKey } from '../crypto/envelope.js';
import type { VaultDb } from '../db/open-database.js';
import type { DeliveryAttemptsTable, OutboxStatus } from '../db/schema.js';
import type { PreparedQuery } from '../db/sync-query.js';
import { PlanStore } from '../schedule/plan-store.js';
import type { ContentResolver, Resolution } from './content-resolver.js';
import { sealPayload } from './content-resolver.js';
import type { ChannelSender, SendResult } from './delivery-types.js';
import type { Outbox, OutboxRow } from './outbox.js';
import { channelKind, nextRetryAt } from './retry-policy.js';
import { SentJournal } from './sent-journal.js';

export interface OutboxWorkerDeps {
  db: VaultDb;
  clock: Clock;
  key: ContentKey;
  audit: AuditLog;
  outbox: Outbox;
  resolver: ContentResolver;
  notifier: Notifier;
  /** Null when no SMTP account is configured. */
  emailSender: () => ChannelSender | null;
  webhookSender: ChannelSender;
  concurrency?: number;
  /** A row left `sending` by a dead process is retried after this long. */
  leaseMs?: number;
}

export interface DrainReport {
  attempted: number;
  sent: number;
  retrying: number;
  failed: number;
}

export const DEFAULT_LEASE_MS = 2 * 60_000;
/** Sends in flight at once (lanes), and so SMTP connections. */
export const DEFAULT_CONCURRENCY = 4;

/** Finished sends are recorded in full this long after the first of a group, at the latest. */
export const RECORD_AFTER_MS = 1_000;

/** A send that finished at `at`, waiting to be recorded; `fromJournal`: noted by a process that died. */
interface Finished {
  row: OutboxRow;
  result: SendResult;
  at: number;
  fromJournal?: boolean;
}

/** A claimed row with its content resolved, or the error resolving it threw. */
type Prepared = { row: OutboxRow; resolution: Resolution } | { row: OutboxRow; error: unknown };

/** Responses are kept short and, for deliveries, reduced to their status: a receiver may echo content. */
function summarize(row: OutboxRow, response: string): string {
  const firstLine = response.split(/\r?\n/, 1)[0] ?? '';
  const text = row.kind === 'delivery' ? (firstLine.match(/^(HTTP \d{3}|\d{3}[ -]?\S*)/)?.[0] ?? firstLine.slice(0, 40)) : firstLine;
  return text.slice(0, 200);
}

/**
 * Sends what the outbox holds: claims due rows, sends them with bounded concurrency, and
 * records every attempt. Temporary failures are retried on the channel's schedule for up to five
 * days; permanent ones are marked failed and reported to the owner through the other channels.
 */
export class OutboxWorker {
  private readonly plans: PlanStore;
  private readonly journal: SentJournal;

  constructor(private readonly deps: OutboxWorkerDeps) {
    this.plans = new PlanStore(deps.db);
    this.journal = new SentJournal(deps.db);
  }

  /**
   * Sends everything due. Lanes keep pulling from a shared queue (refilled by claiming more rows)
   * so no connection idles at a batch boundary. Each accepted send is noted in the sent journal
   * at once (see SentJournal); the full records are written a group at a time — when the queue is
   * refilled, at most RECORD_AFTER_MS after a send, and at the end — in one transaction each.
   * A process killed mid-drain repeats only the sends that were on the wire (at most one per
   * lane, same Message-ID); what the journal holds is recorded by the next drain, not resent.
   */
  async drain(): Promise<DrainReport> {
    const report: DrainReport = { attempted: 0, sent: 0, retrying: 0, failed: 0 };
    const concurrency = this.deps.concurrency ?? DEFAULT_CONCURRENCY;
    const leaseMs = this.deps.leaseMs ?? DEFAULT_LEASE_MS;
    const queue: OutboxRow[] = [];
    let exhausted = false;
    let results: Finished[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      clearTimeout(timer);
      timer = undefined;
      if (results.length === 0) return;
      const batch = results;
      results = [];
      let outcomes: ('sent' | 'retrying' | 'failed')[];
      try {
        outcomes = this.recordAll(batch);
      } catch (error) {
        results = [...batch, ...results]; // kept for the next try
        throw error;
      }
      for (const outcome of outcomes) {
        report.attempted++;
        report[outcome]++;
      }
    };
    let finished = false;
    const recordSoon = (): void => {
      if (finished) return; // a lane still out after the drain failed: its notes carry its sends
      timer ??= setTimeout(() => {
        // A failure here (the database busy beyond its timeout, say) must not escape as an
        // uncaught exception: the results are kept, and the next claim or the end records them.
        try {
          this.bookkeeping(flush);
        } catch {
          /* retried */
        }
      }, RECORD_AFTER_MS);
    };
    const next = (): OutboxRow | undefined => {
      if (queue.length === 0 && !exhausted) {
        // Record before claiming, so a finished row is never claimed again in this drain; one
        // transaction for both. Sends a dead process noted but never recorded are recorded now.
        const rows = this.bookkeeping(() =>
          this.deps.db.q.transaction(() => {
            for (const orphan of this.journal.orphans(this.deps.clock.now() - leaseMs)) {
              results.push({ row: orphan.row, result: { ok: true, response: orphan.response }, at: orphan.at, fromJournal: true });
            }
            flush();
            return this.deps.outbox.claimDue(concurrency * 4, leaseMs);
          }),
        );
        if (rows.length === 0) exhausted = true;
        queue.push(...rows);
      }
      return queue.shift();
    };
    this.emailSenderForDrain = undefined;
    this.deps.resolver.clearCache();
    try {
      const take = (): Prepared | undefined => {
        const row = next();
        return row && this.prepare(row);
      };
      const lane = async (): Promise<void> => {
        for (let current = take(); current; ) {
          if (!this.stillOurs(current.row, leaseMs)) {
            current = take();
            continue;
          }
          const sending = this.deliver(current);
          // Take and resolve (decrypt) the lane's next row while this one is on the wire: when
          // the relay answers, the next mail goes out at once instead of after the resolver.
          const upcoming = take();
          const { row } = current;
          const result = await sending;
          const at = this.deps.clock.now();
          if (result.ok) this.bookkeeping(() => this.journal.note(row.id, at, summarize(row, result.response)));
          results.push({ row, result, at });
          recordSoon();
          current = upcoming;
        }
      };
      // Recording can enqueue more (failure notices): go round until a round finds nothing.
      for (let before = -1; before !== report.attempted; ) {
        before = report.attempted;
        exhausted = false;
        await Promise.all(Array.from({ length: concurrency }, lane));
        this.bookkeeping(flush);
      }
    } finally {
      finished = true;
      clearTimeout(timer);
      this.deps.resolver.clearCache(); // decrypted content lives only as long as the drain
    }
    return report;
  }

  /**
   * Right before a queued row is sent: is it still ours to send? A check-in (or pause, stop) may
   * have cancelled it while it waited behind other sends — it must not go out after "I'm here".
   * And behind slow sends a row can come close to the end of its lease, after which another
   * process (a cron `tick` beside the app) may take it: the lease is renewed, or the row left.
   */
  private stillOurs(row: OutboxRow, leaseMs: number): boolean {
    const { outbox, clock } = this.deps;
    if (clock.now() - row.updated_at > leaseMs / 4) return this.bookkeeping(() => outbox.renewLease(row));
    return outbox.isClaimed(row);
  }

  /**
   * The worker's own bookkeeping (claiming rows, recording results) commits without an fsync
   * (synchronous=NORMAL, WAL). A process crash loses nothing (the WAL is in the OS cache); a
   * power cut may forget that a row was claimed or sent, so it is sent again (same Message-ID,
   * same webhook-id): a duplicate, never a loss. Everything else — the outbox rows the scheduler
   * writes, every user change — keeps synchronous=FULL.
   */
  private bookkeeping<T>(fn: () => T): T {
    const { sqlite } = this.deps.db;
    if (sqlite.inTransaction) return fn();
    // Prepared once: sqlite.pragma() compiles its statement on every call, twice per mail here.
    const sync = (this.synchronousPragmas ??= {
      normal: sqlite.prepare('PRAGMA synchronous = NORMAL'),
      full: sqlite.prepare('PRAGMA synchronous = FULL'),
    });
    sync.normal.run();
    try {
      return fn();
    } finally {
      sync.full.run();
    }
  }

  private synchronousPragmas?: { normal: Statement; full: Statement };

  /** Resolves a row's content; an error is kept for deliver() to report as the row's result. */
  private prepare(row: OutboxRow): Prepared {
    try {
      return { row, resolution: this.deps.resolver.resolve(row) };
    } catch (error) {
      return { row, error };
    }
  }

  private async deliver(prepared: Prepared): Promise<SendResult> {
    try {
      if ('error' in prepared) throw prepared.error;
      return await this.send(prepared.resolution);
    } catch (error) {
      return { ok: false, permanent: false, errorCode: 'INTERNAL', response: (error as Error).message ?? String(error) };
    }
  }

  private emailSenderForDrain: ChannelSender | null | undefined;

  private async send(resolution: Resolution): Promise<SendResult> {
    switch (resolution.via) {
      case 'none':
        return { ok: false, permanent: true, errorCode: resolution.errorCode, response: resolution.message };
      case 'desktop':
        await this.deps.notifier.notify(resolution.prompt);
        return { ok: true, response: 'shown' };
      case 'email': {
        // Settings are read (decrypted, validated) once per drain, not once per mail.
        if (this.emailSenderForDrain === undefined) this.emailSenderForDrain = this.deps.emailSender();
        const sender = this.emailSenderForDrain;
        if (!sender) {
          return { ok: false, permanent: true, errorCode: 'SMTP_NOT_CONFIGURED', response: 'no SMTP account: run `afterword channel smtp`' };
        }
        return sender.send(resolution.item);
      }
      case 'webhook':
        return this.deps.webhookSender.send(resolution.item);
    }
  }

  /** Records a group of results in one transaction; plans are poked once per group. */
  private recordAll(batch: readonly Finished[]): ('sent' | 'retrying' | 'failed')[] {
    const { db, clock, audit } = this.deps;
    return db.q.transaction(() => {
      const now = clock.now();
      const touchedPlans = new Set<string>();
      const auditEntries: AuditEntry[] = [];
      const outcomes = batch.map((finished) => {
        if (finished.result.ok) this.journal.forget(finished.row.id);
        return this.recordOne(finished, now, touchedPlans, auditEntries);
      });
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
      { id: string; status: OutboxStatus; nextAttemptAt: number; completedAt: number | null; lastError: string | null; now: number },
      unknown
    >;
  };

  private recordStatements(): NonNullable<OutboxWorker['recordQueries']> {
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
        (p: { id: string; status: OutboxStatus; nextAttemptAt: number; completedAt: number | null; lastError: string | null; now: number }) =>
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
    { row, result, at, fromJournal }: Finished,
    now: number,
    touchedPlans: Set<string>,
    auditEntries: AuditEntry[],
  ): 'sent' | 'retrying' | 'failed' {
    const s = this.recordStatements();
    const retryAt = result.ok || result.permanent
      ? null
      : nextRetryAt(channelKind(row.channel), row.attempts, row.first_attempt_at ?? at, at, result.retryAfterMs);
    const outcome = result.ok ? 'sent' : retryAt === null ? 'failed' : 'retrying';
    const summary = summarize(row, result.response);
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
    const payload = {
      subject: `Afterword could not send: ${what} via ${row.channel}`,
      text: `${what} via ${row.channel} failed permanently (${errorCode}). Check the channel settings and run \`afterword status\`.`,
    };
    // The owner's e-mail is left out only when it is what failed (a warning to the owner by
    // e-mail): a delivery refused for a recipient's address says nothing about the owner's.
    const ownerEmailFailed = row.kind === 'warning' && row.channel === 'email';
    const channels = ['desktop', ...(ownerEmailFailed ? [] : ['email'])];
    for (const channel of channels) {
      const idempotencyKey = `notice:${row.id}:${channel}`;
      this.deps.outbox.enqueue({
        kind: 'notice',
        channel,
        planId: row.plan_id,
        idempotencyKey,
        payload: sealPayload(this.deps.key, idempotencyKey, payload),
      });
    }
  }
}
