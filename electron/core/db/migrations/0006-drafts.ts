import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Autosaved drafts of messages being written, so a crash, a closed window or a lock loses no
 * words. One row per slot: `new` for a message not created yet, else the message's id. The
 * content (title, text, recipients, plan…) is one encrypted envelope bound to its slot; only
 * the slot and the time are readable without the key.
 */
const statements = [
  `CREATE TABLE drafts (
     slot TEXT PRIMARY KEY,
     content BLOB NOT NULL,
     updated_at INTEGER NOT NULL
   ) WITHOUT ROWID, STRICT`,
];

export const migration0006Drafts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
