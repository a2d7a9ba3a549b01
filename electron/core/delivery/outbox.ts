import type { Statement } from 'better-sqlite3';
import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../ports/clock.js';
import type { VaultDb } from '../db/open-database.js';
import type { PreparedQuery } from '../db/sync-query.js';
import type { OutboxKind, OutboxTable, VaultDatabase } from '../db/schema.js';
import { newId } from '../ids.js';

export type OutboxRow = Selectable<OutboxTable>;

export interface NewOutboxItem {
  kind: OutboxKind;
  channel: string;
  idempotencyKey: string;
  planId?: string | null;
  messageId?: string | null;
  recipientId?: string | null;
  level?: number | null;
  cycle?: number | null;
  payload?: Uint8Array | null;
  notBefore?: number;
}

export interface OutboxCounts {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  cancelled: number;
}

interface ClaimValues {
  now: number;
  leasedBefore: number;
  limit: number;
}

interface SkippingClaimValues extends ClaimValues {
  /** JSON array of row ids not to take. */
  skip: string;
}

/**
 * Marks up to `limit` due rows as being sent and returns them as marked: pending rows, and rows
 * left `sending` whose lease ran out, not held, without a note in the sent journal (a send the
 * relay accepted is never sent again: the worker records it from the note, see SentJournal).
 */
const claimSql = (skipping: boolean): string => `
  UPDATE outbox
  SET status = 'sending', attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, @now),
      updated_at = @now
  WHERE id IN (
    SELECT due.id FROM outbox AS due INDEXED BY outbox_due
    WHERE due.status IN ('pending', 'sending')
      AND due.next_attempt_at <= @now
      AND due.held = 0
      AND (due.status = 'pending' OR due.updated_at <= @leasedBefore)
      AND NOT EXISTS (SELECT 1 FROM outbox_sent_journal AS j WHERE j.outbox_id = due.id)
      ${skipping ? 'AND due.id NOT IN (SELECT value FROM json_each(@skip))' : ''}
    ORDER BY due.next_attempt_at
    LIMIT @limit
  )
  RETURNING *`;

/**
 * The durable queue of everything that leaves the machine. Rows are written in the same
 * transaction as the state change that caused them; the idempotency key makes a repeated
 * enqueue (a retried tick) a no-op.
 */
export class Outbox {
  private readonly k: Kysely<VaultDatabase>;

  constructor(
    private readonly db: VaultDb,
    private readonly clock: Clock,
  ) {
    this.k = db.kysely;
  }

  enqueue(item: NewOutboxItem): boolean {
    const now = this.clock.now();
    const notBefore = item.notBefore ?? now;
    const result = this.db.q.run(
      this.k
        .insertInto('outbox')
        .values({
          id: newId('obx'),
          kind: item.kind,
          plan_id: item.planId ?? null,
          message_id: item.messageId ?? null,
          recipient_id: item.recipientId ?? null,
          channel: item.channel,
          level: item.level ?? null,
          cycle: item.cycle ?? null,
          payload: item.payload ?? null,
          idempotency_key: item.idempotencyKey,
          status: 'pending',
          attempts: 0,
          not_before: notBefore,
          next_attempt_at: notBefore,
          first_attempt_at: null,
          completed_at: null,
          last_error: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing()),
    );
    return result.changes > 0;
  }

  /**
   * Cancels what has not been sent yet for a plan. A row being sent right now is cancelled too:
   * the attempt in flight finishes (and is recorded as sent if it got through), but a failed
   * attempt is not retried, and a row left `sending` by a dead process is not taken again.
   */
  cancelPending(planId: string): number {
    return this.db.q.run(
      this.k
        .updateTable('outbox')
        .set({ status: 'cancelled', completed_at: this.clock.now(), updated_at: this.clock.now() })
        .where('plan_id', '=', planId)
        .where('status', 'in', ['pending', 'sending'])
        .where('kind', 'in', ['warning', 'delivery']),
    ).changes;
  }

  /**
   * A newer level makes older warnings of the same cycle pointless: after an outage the owner
   * should get the current warning, not a burst of stale ones. Rows already in flight finish.
   */
  supersedeWarnings(planId: string, cycle: number, belowLevel: number): number {
    const now = this.clock.now();
    return this.db.q.run(
      this.k
        .updateTable('outbox')
        .set({ status: 'cancelled', completed_at: now, updated_at: now, last_error: 'superseded by a later warning' })
        .where('plan_id', '=', planId)
        .where('cycle', '=', cycle)
        .where('kind', '=', 'warning')
        .where('level', '<', belowLevel)
        .where('status', '=', 'pending'),
    ).changes;
  }

  /**
   * After a forward wall-clock jump the monotonic clock did not confirm, delivery delays that were
   * still running are pushed back by the jump, so a clock set ahead cannot release a message early.
   */
  postponeDelayedDeliveries(jumpMs: number): number {
    const now = this.clock.now();
    return this.db.q.run(
      this.k
        .updateTable('outbox')
        .set((eb) => ({
          not_before: eb('not_before', '+', jumpMs),
          next_attempt_at: eb('not_before', '+', jumpMs),
          updated_at: now,
        }))
        .where('kind', '=', 'delivery')
        .where('status', '=', 'pending')
        .where('attempts', '=', 0)
        .where('not_before', '>', now - jumpMs),
    ).changes;
  }

  /**
   * Marks up to `limit` due rows as being sent and returns them. A row left in `sending` by a
   * process that died is taken again after `leaseMs`: at least once, never lost — unless the
   * sent journal shows its send was accepted. Rows in `skip` are left alone (the worker gave them
   * back in this drain: another runner holds the lease).
   */
  claimDue(limit: number, leaseMs: number, skip: ReadonlySet<string> = new Set()): OutboxRow[] {
    const now = this.clock.now();
    const values = { now, leasedBefore: now - leaseMs, limit };
    const statements = this.claimStatements();
    // One statement marks the rows and returns them as marked (RETURNING gives no order).
    const rows =
      skip.size === 0
        ? statements.claim.all(values)
        : statements.claimSkipping.all({ ...values, skip: JSON.stringify([...skip]) });
    return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at);
  }

  /** The row is still `sending` under the claim this process made (nobody cancelled or took it). */
  isClaimed(row: OutboxRow): boolean {
    const current = this.claimStatements().current.get({ id: row.id });
    return current?.status === 'sending' && current.updated_at === row.updated_at;
  }

  /**
   * Gives back a row this process claimed but never sent (it is stopping): `pending` again, its
   * attempt not counted, so the next drain — of this or the next process — takes it at once.
   * Nothing happens when the claim is no longer ours.
   */
  release(row: OutboxRow): boolean {
    const attempts = Math.max(0, row.attempts - 1);
    return (
      this.db.q.run(
        this.k
          .updateTable('outbox')
          .set({
            status: 'pending',
            attempts,
            ...(attempts === 0 ? { first_attempt_at: null } : {}),
            updated_at: this.clock.now(),
          })
          .where('id', '=', row.id)
          .where('status', '=', 'sending')
          .where('updated_at', '=', row.updated_at),
      ).changes > 0
    );
  }

  /**
   * A claimed row that waited long in the worker's queue (behind slow sends) has its lease
   * renewed before it is sent. False when the lease ran out and another process has taken the
   * row meanwhile (or a check-in cancelled it): then it must not be sent from here.
   */
  renewLease(row: OutboxRow): boolean {
    const now = this.clock.now();
    const renewed = this.db.q.run(
      this.k
        .updateTable('outbox')
        .set({ updated_at: now })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .where('updated_at', '=', row.updated_at),
    ).changes;
    if (renewed === 0) return false;
    row.updated_at = now;
    return true;
  }

  /** The worker claims a few rows at a time, thousands of times per drain: compiled once. */
  private claimQueries?: {
    claim: Statement<ClaimValues, OutboxRow>;
    claimSkipping: Statement<SkippingClaimValues, OutboxRow>;
    current: PreparedQuery<{ id: string }, Pick<OutboxRow, 'status' | 'updated_at'>>;
  };

  private claimStatements(): NonNullable<Outbox['claimQueries']> {
    return (this.claimQueries ??= {
      current: this.db.q.prepared((p: { id: string }) =>
        this.k.selectFrom('outbox').select(['status', 'updated_at']).where('id', '=', p.id),
      ),
      // Raw SQL for INDEXED BY, which kysely cannot write: without statistics SQLite would read
      // every pending row by status and sort them, on every claim; outbox_due (partial: pending
      // and sending rows, by next_attempt_at) hands them over in due order and stops at the limit.
      claim: this.db.sqlite.prepare<ClaimValues, OutboxRow>(claimSql(false)),
      claimSkipping: this.db.sqlite.prepare<SkippingClaimValues, OutboxRow>(claimSql(true)),
    });
  }

  /** When the level's warning counts as issued: its first success, or its last failure when all failed. */
  receiptFor(planId: string, cycle: number, level: number): number | null {
    const rows = this.db.q.all(
      this.k
        .selectFrom('outbox')
        .select(['status', 'completed_at'])
        .where('plan_id', '=', planId)
        .where('cycle', '=', cycle)
        .where('level', '=', level)
        .where('kind', '=', 'warning'),
    );
    const sent = rows.filter((r) => r.status === 'sent' && r.completed_at !== null).map((r) => r.completed_at!);
    if (sent.length > 0) return Math.min(...sent);
    if (rows.length > 0 && rows.every((r) => r.status === 'failed' && r.completed_at !== null)) {
      return Math.max(...rows.map((r) => r.completed_at!));
    }
    return null;
  }

  /**
   * Holds every row not sent yet (a restored copy: the original may have sent them already, or may
   * still be running): they stay outstanding but none is taken until `releaseHeld`. Returns the
   * held rows by kind.
   */
  holdUnsent(): { deliveries: number; other: number } {
    const unsent = this.k.selectFrom('outbox').select(['kind']).where('status', 'in', ['pending', 'sending']);
    const rows = this.db.q.all(unsent);
    this.db.q.run(this.k.updateTable('outbox').set({ held: 1 }).where('status', 'in', ['pending', 'sending']));
    const deliveries = rows.filter((row) => row.kind === 'delivery').length;
    return { deliveries, other: rows.length - deliveries };
  }

  /** Lets held rows go (the owner resumed the restored copy); returns how many. */
  releaseHeld(): number {
    return this.db.q.run(this.k.updateTable('outbox').set({ held: 0 }).where('held', '=', 1)).changes;
  }

  heldCount(): number {
    return Number(
      this.db.q.get(
        this.k
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('held', '=', 1),
      )?.n ?? 0,
    );
  }

  outstandingDeliveries(planId: string, cycle: number): number {
    return this.countOut(planId, cycle, 'delivery');
  }

  /** Warnings of a plan's level still pending or being sent, other than `exceptId`. */
  warningsOut(planId: string, cycle: number, level: number, exceptId: string): number {
    return this.countOut(planId, cycle, 'warning', { level, exceptId });
  }

  /** Rows of a plan's cycle still pending or being sent. */
  private countOut(
    planId: string,
    cycle: number,
    kind: 'warning' | 'delivery',
    only: { level?: number; exceptId?: string } = {},
  ): number {
    let query = this.k
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('plan_id', '=', planId)
      .where('cycle', '=', cycle)
      .where('kind', '=', kind)
      .where('status', 'in', ['pending', 'sending']);
    if (only.level !== undefined) query = query.where('level', '=', only.level);
    if (only.exceptId !== undefined) query = query.where('id', '<>', only.exceptId);
    return this.db.q.get(query)?.n ?? 0;
  }

  counts(): OutboxCounts {
    const rows = this.db.q.all(
      // Tests are not deliveries: they are counted apart (schedule/test-sends.ts).
      this.k
        .selectFrom('outbox')
        .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
        .where('kind', '!=', 'test')
        .groupBy('status'),
    );
    const counts: OutboxCounts = { pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  byKey(idempotencyKey: string): OutboxRow | undefined {
    return this.db.q.get(this.k.selectFrom('outbox').selectAll().where('idempotency_key', '=', idempotencyKey));
  }

  /** Withdraws one row that has not gone out (a test the owner will run again), keeping its last error. */
  cancelIfPending(id: string): boolean {
    const now = this.clock.now();
    return (
      this.db.q.run(
        this.k
          .updateTable('outbox')
          .set({ status: 'cancelled', completed_at: now, updated_at: now })
          .where('id', '=', id)
          .where('status', '=', 'pending'),
      ).changes > 0
    );
  }

  failures(limit = 20): OutboxRow[] {
    return this.db.q.all(
      this.k
        .selectFrom('outbox')
        .selectAll()
        .where('status', '=', 'failed')
        .where('kind', '!=', 'test')
        .orderBy('updated_at', 'desc')
        .limit(limit),
    );
  }

  nextDueAt(): number | null {
    return (
      this.db.q.get(
        this.k
          .selectFrom('outbox')
          .select((eb) => eb.fn.min('next_attempt_at').as('at'))
          .where('held', '=', 0)
          .where('status', 'in', ['pending', 'sending']),
      )?.at ?? null
    );
  }
}
