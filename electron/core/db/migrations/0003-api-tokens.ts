import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Tokens for the runner: `checkin` (may only say "I'm here") and `monitor` (read-only status and
 * metrics). Only a SHA-256 of each token is stored; the label is encrypted. Check-in links in
 * warning e-mails are one-time: their ids are remembered here until they expire.
 */
const statements = [
  `CREATE TABLE api_tokens (
     id TEXT PRIMARY KEY,
     role TEXT NOT NULL CHECK (role IN ('checkin', 'monitor')),
     label BLOB NOT NULL,
     token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
     created_at INTEGER NOT NULL,
     last_used_at INTEGER
   ) STRICT`,
  `CREATE TABLE used_checkin_links (
     link_id TEXT PRIMARY KEY,
     used_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   ) STRICT`,
];

export const migration0003ApiTokens: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
