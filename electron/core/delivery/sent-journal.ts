import type { Statement } from 'better-sqlite3';
import type { VaultDb } from '../db/open-database.js';
import type { PreparedQuery } from '../db/sync-query.js';
import type { OutboxRow } from './outbox.js';

/** A send the relay accepted, noted before its full record was written. */
export interface JournaledSend {
  row: OutboxRow;
  at: number;
  response: string;
}

/** A note of one accepted send: the outbox row, when the relay accepted it, its short answer. */
export interface SentNote {
  outboxId: string;
  at: number;
  response: string;
}

/**
 * The outbox worker's journal of accepted sends (table outbox_sent_journal, migration 0005).
 *
 * Recording a send in full (its status, an attempt row, an audit row, the plan) costs a
 * transaction that touches half a dozen tables; doing that for every mail as it goes out made
 * the worker spend more time writing than sending. So a send is first noted here — one small
 * row, committed before the lane sends its next mail (with the notes of the sends that finished
 * at the same time, see NoteBatch) — and the full records are written for a group of sends in
 * one transaction that also removes their notes. A process killed between the two leaves the
 * notes behind, and the next drain records those sends from them instead of sending them again:
 * a kill repeats only the sends still on the wire.
 */
export class SentJournal {
  private statements?: {
    note: PreparedQuery<{ id: string; at: number; response: string }, unknown>;
    forget: PreparedQuery<{ id: string }, unknown>;
    /** JSON array of outbox ids. */
    forgetAll: Statement<[string]>;
    stale: PreparedQuery<{ before: number }, OutboxRow & { journal_at: number; journal_response: string }>;
  };

  constructor(private readonly db: VaultDb) {}

  private prepared(): NonNullable<SentJournal['statements']> {
    const { q, kysely: k } = this.db;
    return (this.statements ??= {
      note: q.prepared((p: { id: string; at: number; response: string }) =>
        k
          .insertInto('outbox_sent_journal')
          .values({ outbox_id: p.id, at: p.at, response: p.response })
          .onConflict((oc) => oc.column('outbox_id').doUpdateSet({ at: p.at, response: p.response })),
      ),
      forget: q.prepared((p: { id: string }) => k.deleteFrom('outbox_sent_journal').where('outbox_id', '=', p.id)),
      forgetAll: this.db.sqlite.prepare<[string]>(
        'DELETE FROM outbox_sent_journal WHERE outbox_id IN (SELECT value FROM json_each(?))',
      ),
      stale: q.prepared((p: { before: number }) =>
        k
          .selectFrom('outbox_sent_journal as j')
          .innerJoin('outbox as o', 'o.id', 'j.outbox_id')
          .selectAll('o')
          .select(['j.at as journal_at', 'j.response as journal_response'])
          .where('j.at', '<=', p.before)
          .orderBy('j.at'),
      ),
    });
  }

  /** The relay accepted this row's send at `at`. */
  note(outboxId: string, at: number, response: string): void {
    this.prepared().note.run({ id: outboxId, at, response });
  }

  /** note() for sends that finished together: one commit for all of them. */
  noteAll(notes: readonly SentNote[]): void {
    if (notes.length === 0) return;
    if (notes.length === 1) return this.note(notes[0]!.outboxId, notes[0]!.at, notes[0]!.response);
    this.db.q.transaction(() => {
      for (const { outboxId, at, response } of notes) this.note(outboxId, at, response);
    });
  }

  /** Call in the transaction that records the send in full. */
  forget(outboxId: string): void {
    this.prepared().forget.run({ id: outboxId });
  }

  /** forget() for a group of sends recorded together: one statement for all of them. */
  forgetAll(outboxIds: readonly string[]): void {
    if (outboxIds.length === 0) return;
    if (outboxIds.length === 1) return this.forget(outboxIds[0]!);
    this.prepared().forgetAll.run(JSON.stringify(outboxIds));
  }

  /**
   * Notes older than `before` (the lease: no live worker leaves a note that long) whose send was
   * never recorded. A note on a row already recorded (it cannot happen, as recording removes the
   * note in the same transaction) is simply dropped.
   */
  orphans(before: number): JournaledSend[] {
    const found: JournaledSend[] = [];
    for (const { journal_at: at, journal_response: response, ...row } of this.prepared().stale.all({ before })) {
      if (row.status === 'sent' || row.status === 'failed') this.forget(row.id);
      else found.push({ row, at, response });
    }
    return found;
  }
}
