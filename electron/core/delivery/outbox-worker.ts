import type { Statement } from 'better-sqlite3';
import type { Notifier } from '../ports/notifier.js';
import type { GateDecision, SendGate } from '../ports/send-gate.js';
import type { ContentResolver, Resolution } from './content-resolver.js';
import type { ChannelSender, SendResult } from './delivery-types.js';
import type { OutboxRow } from './outbox.js';
import { OutboxRecorder, summarize, type Finished, type OutboxRecorderDeps } from './outbox-recorder.js';
import { NoteBatch } from './note-batch.js';
import { SentJournal, type SentNote } from './sent-journal.js';

export interface OutboxWorkerDeps extends OutboxRecorderDeps {
  resolver: ContentResolver;
  notifier: Notifier;
  /** Null when no SMTP account is configured. */
  emailSender: () => ChannelSender | null;
  webhookSender: ChannelSender;
  concurrency?: number;
  /** A row left `sending` by a dead process is retried after this long. */
  leaseMs?: number;
  /**
   * Asked before each send when another machine may send for the vault (a paired standby): a row
   * it holds back stays pending (no attempt counted) and is not taken again in this drain; a row
   * another runner sent is recorded as sent there. Without it every due row is sent.
   */
  sendGate?: SendGate;
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

/**
 * Rows claimed at a time, per lane: each claim is a commit and records the group before it, so
 * larger claims mean fewer commits. A queued row is checked (and its lease renewed when it waited
 * long) right before it is sent, so waiting in the queue is safe.
 */
const CLAIMED_PER_LANE = 16;

/** Finished sends are recorded in full this long after the first of a group, at the latest. */
export const RECORD_AFTER_MS = 1_000;

/** A claimed row with its content resolved, or the error resolving it threw. */
type Prepared = { row: OutboxRow; resolution: Resolution } | { row: OutboxRow; error: unknown };
/** A claimed row; behind a send gate its content is resolved (decrypted) only once the gate says send. */
type Taken = Prepared | { row: OutboxRow };

/** What the gate made of a row: not now, sent by another runner, or no longer ours (cancelled meanwhile). */
type Gated = 'held' | 'gone' | { elsewhere: { runner: string; at: number } };

const HOLD: GateDecision = { send: false, hold: true };

/**
 * Sends what the outbox holds: claims due rows, sends them with bounded concurrency, and
 * records every attempt. Temporary failures are retried on the channel's schedule for up to five
 * days; permanent ones are marked failed and reported to the owner through the other channels.
 */
export class OutboxWorker {
  private readonly journal: SentJournal;
  private readonly recorder: OutboxRecorder;
  /** Accepted sends, noted in the sent journal a commit per turn of the event loop (see NoteBatch). */
  private readonly notes: NoteBatch<SentNote>;
  private stopping = false;

  constructor(private readonly deps: OutboxWorkerDeps) {
    this.journal = new SentJournal(deps.db);
    this.recorder = new OutboxRecorder(deps, this.journal);
    this.notes = new NoteBatch((notes) => this.bookkeeping(() => this.journal.noteAll(notes)));
  }

  /**
   * The process is stopping: the drain in flight finishes the sends on the wire (and records them)
   * but sends nothing more. Rows it had claimed and not sent go back to `pending` in the outbox.
   */
  stopTaking(): void {
    this.stopping = true;
  }

  /**
   * Sends everything due. Lanes keep pulling from a shared queue (refilled by claiming more rows)
   * so no connection idles at a batch boundary. Each accepted send is noted in the sent journal
   * before its lane sends again (see SentJournal; sends that finish together share the commit,
   * see NoteBatch); the full records are written a group at a time — when the queue is
   * refilled, at most RECORD_AFTER_MS after a send, and at the end — in one transaction each.
   * A process killed mid-drain repeats only the sends that were on the wire (at most one per
   * lane, same Message-ID); what the journal holds is recorded by the next drain, not resent.
   */
  async drain(): Promise<DrainReport> {
    this.stopping = false;
    const report: DrainReport = { attempted: 0, sent: 0, retrying: 0, failed: 0 };
    const concurrency = this.deps.concurrency ?? DEFAULT_CONCURRENCY;
    const leaseMs = this.deps.leaseMs ?? DEFAULT_LEASE_MS;
    const queue: OutboxRow[] = [];
    const gate = this.deps.sendGate?.engaged?.() === false ? undefined : this.deps.sendGate;
    /** Rows the gate held back in this drain: pending again, and not taken again until the next drain. */
    const heldBack = new Set<string>();
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
        outcomes = this.recorder.recordAll(batch);
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
              results.push({
                row: orphan.row,
                result: { ok: true, response: orphan.response },
                at: orphan.at,
                fromJournal: true,
              });
            }
            flush();
            return this.deps.outbox.claimDue(concurrency * CLAIMED_PER_LANE, leaseMs, heldBack);
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
      const take = (): Taken | undefined => {
        if (this.stopping) return undefined;
        const row = next();
        return row && (gate ? { row } : this.prepare(row));
      };
      const lane = async (): Promise<void> => {
        for (let current = take(); current;) {
          if (this.stopping) {
            this.giveBack([current.row]);
            break;
          }
          if (!this.stillOurs(current.row, leaseMs)) {
            current = take();
            continue;
          }
          const sending = gate ? this.gated(current, gate, leaseMs) : this.deliver(this.resolved(current));
          // Take and resolve (decrypt) the lane's next row while this one is on the wire: when
          // the relay answers, the next mail goes out at once instead of after the resolver.
          const upcoming = take();
          const { row } = current;
          const result = await sending;
          current = upcoming;
          if (result === 'gone') continue;
          if (result === 'held') {
            heldBack.add(row.id);
            this.giveBack([row]);
            continue;
          }
          const at = this.deps.clock.now();
          if ('elsewhere' in result) {
            const response = `sent by the runner "${result.elsewhere.runner}"`;
            results.push({ row, result: { ok: true, response }, at, elsewhere: result.elsewhere });
            recordSoon();
            continue;
          }
          const summary = summarize(row, result.response);
          if (result.ok) await this.notes.add({ outboxId: row.id, at, response: summary });
          results.push({ row, result, at, summary });
          recordSoon();
          // The receipt in the bucket, once the send is noted here.
          if (gate && result.ok) await gate.afterSend(row.idempotency_key);
        }
      };
      // Recording can enqueue more (failure notices): go round until a round finds nothing.
      for (let before = -1; before !== report.attempted;) {
        before = report.attempted;
        exhausted = false;
        await Promise.all(Array.from({ length: concurrency }, lane));
        this.bookkeeping(flush);
        if (this.stopping) this.giveBack(queue.splice(0));
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
  /** Claimed rows that will not be sent from here (stopping): back to `pending`; if that fails, their lease runs out. */
  private giveBack(rows: OutboxRow[]): void {
    if (rows.length === 0) return;
    try {
      this.bookkeeping(() => this.deps.db.q.transaction(() => rows.forEach((row) => this.deps.outbox.release(row))));
    } catch {
      // taken again once the lease has run out
    }
  }

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

  /**
   * Behind a send gate: asks it first, then sends. Test sends (the owner asked for them here) and
   * desktop prompts (shown on this very machine, reaching nobody else) are not gated.
   */
  private async gated(taken: Taken, gate: SendGate, leaseMs: number): Promise<SendResult | Gated> {
    const { row } = taken;
    if (row.kind !== 'test' && row.channel !== 'desktop') {
      const decision = await gate.beforeSend(row.idempotency_key).catch(() => HOLD);
      if (!decision.send) return 'hold' in decision ? 'held' : { elsewhere: decision.sentElsewhere };
      // A check-in may have cancelled it while the claim was being written.
      if (!this.stillOurs(row, leaseMs)) return 'gone';
    }
    return this.deliver(this.resolved(taken));
  }

  private resolved(taken: Taken): Prepared {
    return 'resolution' in taken || 'error' in taken ? taken : this.prepare(taken.row);
  }

  private async deliver(prepared: Prepared): Promise<SendResult> {
    try {
      if ('error' in prepared) throw prepared.error;
      return await this.send(prepared.resolution);
    } catch (error) {
      return {
        ok: false,
        permanent: false,
        errorCode: 'INTERNAL',
        response: (error as Error).message ?? String(error),
      };
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
          return {
            ok: false,
            permanent: true,
            errorCode: 'SMTP_NOT_CONFIGURED',
            response: 'no SMTP account: run `afterword channel smtp`',
          };
        }
        return sender.send(resolution.item);
      }
      case 'webhook':
        return this.deps.webhookSender.send(resolution.item);
    }
  }
}
