import type { Clock } from '../../ports/clock.js';
import type { Notifier } from '../../ports/notifier.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ContentKey } from '../crypto/envelope.js';
import type { VaultDb } from '../db/open-database.js';
import { PlanStore } from '../schedule/plan-store.js';
import type { ContentResolver } from './content-resolver.js';
import { sealPayload } from './content-resolver.js';
import type { ChannelSender, SendResult } from './delivery-types.js';
import type { Outbox, OutboxRow } from './outbox.js';
import { channelKind, nextRetryAt } from './retry-policy.js';

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

  constructor(private readonly deps: OutboxWorkerDeps) {
    this.plans = new PlanStore(deps.db);
  }

  async drain(): Promise<DrainReport> {
    const report: DrainReport = { attempted: 0, sent: 0, retrying: 0, failed: 0 };
    const concurrency = this.deps.concurrency ?? 4;
    for (;;) {
      const rows = this.deps.outbox.claimDue(concurrency * 4, this.deps.leaseMs ?? DEFAULT_LEASE_MS);
      if (rows.length === 0) return report;
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < rows.length) {
          const row = rows[next++]!;
          const outcome = await this.process(row);
          report.attempted++;
          report[outcome]++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
    }
  }

  private async process(row: OutboxRow): Promise<'sent' | 'retrying' | 'failed'> {
    let result: SendResult;
    try {
      result = await this.send(row);
    } catch (error) {
      result = { ok: false, permanent: false, errorCode: 'INTERNAL', response: (error as Error).message ?? String(error) };
    }
    return this.record(row, result);
  }

  private async send(row: OutboxRow): Promise<SendResult> {
    const resolution = this.deps.resolver.resolve(row);
    switch (resolution.via) {
      case 'none':
        return { ok: false, permanent: true, errorCode: resolution.errorCode, response: resolution.message };
      case 'desktop':
        await this.deps.notifier.notify(resolution.prompt);
        return { ok: true, response: 'shown' };
      case 'email': {
        const sender = this.deps.emailSender();
        if (!sender) {
          return { ok: false, permanent: true, errorCode: 'SMTP_NOT_CONFIGURED', response: 'no SMTP account: run `afterword channel smtp`' };
        }
        return sender.send(resolution.item);
      }
      case 'webhook':
        return this.deps.webhookSender.send(resolution.item);
    }
  }

  private record(row: OutboxRow, result: SendResult): 'sent' | 'retrying' | 'failed' {
    const { db, clock, audit } = this.deps;
    const now = clock.now();
    const retryAt = result.ok || result.permanent
      ? null
      : nextRetryAt(channelKind(row.channel), row.attempts, row.first_attempt_at ?? now, now, result.retryAfterMs);
    const outcome = result.ok ? 'sent' : retryAt === null ? 'failed' : 'retrying';
    // A check-in (or pause, stop) cancelled the row while it was being sent: a temporary failure
    // ends it there. Putting it back in the queue would deliver a message after "I'm here".
    const cancelledInFlight = db.q.transaction(() => {
      if (outcome !== 'retrying') return false;
      const current = db.q.get(db.kysely.selectFrom('outbox').select('status').where('id', '=', row.id));
      if (current?.status !== 'cancelled') return false;
      db.q.run(
        db.kysely.insertInto('delivery_attempts').values({
          id: null,
          outbox_id: row.id,
          at: now,
          outcome: 'failed',
          error_code: result.ok ? null : result.errorCode,
          response: summarize(row, result.response),
        }),
      );
      db.q.run(
        db.kysely
          .updateTable('outbox')
          .set({ last_error: result.ok ? null : `${result.errorCode}: ${summarize(row, result.response)}`, updated_at: now })
          .where('id', '=', row.id),
      );
      return true;
    });
    if (cancelledInFlight) return 'failed';
    db.q.transaction(() => {
      db.q.run(
        db.kysely.insertInto('delivery_attempts').values({
          id: null,
          outbox_id: row.id,
          at: now,
          outcome: outcome === 'retrying' ? 'retry' : outcome,
          error_code: result.ok ? null : result.errorCode,
          response: summarize(row, result.response),
        }),
      );
      db.q.run(
        db.kysely
          .updateTable('outbox')
          .set({
            status: outcome === 'retrying' ? 'pending' : outcome,
            next_attempt_at: retryAt ?? row.next_attempt_at,
            completed_at: outcome === 'retrying' ? null : now,
            last_error: result.ok ? null : `${result.errorCode}: ${summarize(row, result.response)}`,
            updated_at: now,
          })
          .where('id', '=', row.id),
      );
      if (row.plan_id && (row.kind === 'warning' || row.kind === 'delivery') && outcome !== 'retrying') {
        this.plans.poke(now, [row.plan_id]);
      }
      if (outcome !== 'retrying') {
        audit.append({
          action: outcome === 'sent' ? 'outbox.sent' : 'outbox.failed',
          entityType: 'outbox',
          entityId: row.id,
          detail: { kind: row.kind, channel: row.channel, attempts: row.attempts, ...(result.ok ? {} : { errorCode: result.errorCode }) },
        });
      }
      if (outcome === 'failed' && (row.kind === 'warning' || row.kind === 'delivery')) this.reportFailure(row, result);
    });
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
