import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The warning engine: plan cycles and wait starts, an outbox that can cancel and that carries
 * notices and tests, the webhooks address list and desktop prompts. SQLite cannot change a CHECK
 * constraint in place, so the outbox is rebuilt (the documented 12-step way, inside the
 * migration's transaction).
 */
const statements = [
  `ALTER TABLE plan_state ADD COLUMN cycle INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE plan_state ADD COLUMN wait_from INTEGER`,
  `CREATE TABLE outbox_v2 (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('warning', 'delivery', 'notice', 'test')),
     plan_id TEXT REFERENCES warning_plans (id) ON DELETE SET NULL,
     message_id TEXT REFERENCES messages (id) ON DELETE SET NULL,
     recipient_id TEXT REFERENCES recipients (id) ON DELETE SET NULL,
     channel TEXT NOT NULL,
     level INTEGER,
     cycle INTEGER,
     payload BLOB,
     idempotency_key TEXT NOT NULL UNIQUE,
     status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
     attempts INTEGER NOT NULL DEFAULT 0,
     not_before INTEGER NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     first_attempt_at INTEGER,
     completed_at INTEGER,
     last_error TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) STRICT`,
  `INSERT INTO outbox_v2 (id, kind, plan_id, message_id, recipient_id, channel, level, payload, idempotency_key,
     status, attempts, not_before, next_attempt_at, last_error, created_at, updated_at)
   SELECT id, kind, plan_id, message_id, recipient_id, channel, level, payload, idempotency_key,
     status, attempts, not_before, next_attempt_at, last_error, created_at, updated_at FROM outbox`,
  // Dropping the old outbox cascades into delivery_attempts; keep them aside and put them back.
  `CREATE TEMP TABLE delivery_attempts_keep AS SELECT * FROM delivery_attempts`,
  `DROP TABLE outbox`,
  `ALTER TABLE outbox_v2 RENAME TO outbox`,
  `INSERT INTO delivery_attempts SELECT * FROM delivery_attempts_keep`,
  `DROP TABLE delivery_attempts_keep`,
  `CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending')`,
  `CREATE INDEX outbox_by_status ON outbox (status)`,
  `CREATE INDEX outbox_by_plan_level ON outbox (plan_id, cycle, level, kind)`,
  `CREATE TABLE webhooks (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     url BLOB NOT NULL,
     secret BLOB NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT`,
  `CREATE TABLE desktop_prompts (
     id INTEGER PRIMARY KEY,
     plan_id TEXT REFERENCES warning_plans (id) ON DELETE CASCADE,
     level INTEGER NOT NULL,
     at INTEGER NOT NULL,
     answered_at INTEGER
   ) STRICT`,
  `CREATE INDEX desktop_prompts_open ON desktop_prompts (answered_at) WHERE answered_at IS NULL`,
  `CREATE TABLE scheduler_ticks (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     at INTEGER NOT NULL,
     source TEXT NOT NULL,
     transitions INTEGER NOT NULL
   ) STRICT`,
];

export const migration0002WarningEngine: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) {
      await sql.raw(statement).execute(db);
    }
  },
};
