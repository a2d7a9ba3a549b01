import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The outbox worker's journal of sends the relay accepted but the worker has not recorded yet.
 * A send is noted here at once, in a commit of one small row; the full record (status, attempt,
 * audit row, plan) is written for a group of sends in one transaction, and removes the notes.
 * A process killed in between leaves notes behind: the next drain records those sends from them
 * instead of sending again. Only metadata: the row id, the time and the relay's short answer.
 */
const statements = [
  `CREATE TABLE outbox_sent_journal (
     outbox_id TEXT PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
     at INTEGER NOT NULL,
     response TEXT NOT NULL
   ) WITHOUT ROWID, STRICT`,
];

export const migration0005OutboxSentJournal: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
