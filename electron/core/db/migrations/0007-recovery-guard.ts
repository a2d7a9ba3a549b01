import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Failed recovery-key attempts get a backoff of their own, counted like wrong passwords: a
 * separate count, so that someone guessing passwords cannot also lock the owner out of the
 * recovery key (and the other way round).
 */
const statements = [
  `CREATE TABLE recovery_guard (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
     last_failure_at INTEGER
   ) STRICT`,
  `INSERT INTO recovery_guard (id, failures, last_failure_at) VALUES (1, 0, NULL)`,
];

export const migration0007RecoveryGuard: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
