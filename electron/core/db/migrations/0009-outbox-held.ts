import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A row can be held: kept as it is, counted as outstanding, but never taken by the worker until
 * released. A vault restored from a backup holds every unsent row until the owner resumes it.
 */
const statements = [`ALTER TABLE outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1))`];

export const migration0009OutboxHeld: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
