import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The whole domain of the seed, even where later issues add the behaviour. STRICT tables so that
 * an encrypted BLOB column can never silently receive TEXT. Encrypted columns are BLOB envelopes.
 */
const statements = [
  `CREATE TABLE vault_info (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     vault_id TEXT NOT NULL,
     key_id BLOB NOT NULL CHECK (length(key_id) = 8),
     created_at INTEGER NOT NULL,
     created_by_version TEXT NOT NULL
   ) STRICT`,
  `CREATE TABLE key_wraps (
     kind TEXT PRIMARY KEY CHECK (kind IN ('password', 'recovery', 'device')),
     kdf TEXT NOT NULL,
     params TEXT NOT NULL,
     verifier BLOB NOT NULL,
     wrapped_key BLOB NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT`,
  `CREATE TABLE unlock_guard (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
     last_failure_at INTEGER
   ) STRICT`,
  `INSERT INTO unlock_guard (id, failures, last_failure_at) VALUES (1, 0, NULL)`,
  `CREATE TABLE recipients (
     id TEXT PRIMARY KEY,
     type TEXT NOT NULL CHECK (type IN ('email', 'webhook')),
     name BLOB NOT NULL,
     contact BLOB NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) STRICT`,
  `CREATE TABLE warning_plans (
     id TEXT PRIMARY KEY,
     name BLOB NOT NULL,
     interval_ms INTEGER NOT NULL CHECK (interval_ms >= 60000),
     levels TEXT NOT NULL CHECK (json_valid(levels) AND json_array_length(levels) = 5),
     is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) STRICT`,
  `CREATE UNIQUE INDEX warning_plans_one_default ON warning_plans (is_default) WHERE is_default = 1`,
  `CREATE TABLE messages (
     id TEXT PRIMARY KEY,
     title BLOB NOT NULL,
     body_text BLOB NOT NULL,
     body_html BLOB,
     status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'sent')),
     plan_id TEXT REFERENCES warning_plans (id) ON DELETE RESTRICT,
     delivery_delay_ms INTEGER NOT NULL DEFAULT 0 CHECK (delivery_delay_ms >= 0),
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) STRICT`,
  `CREATE INDEX messages_by_updated ON messages (updated_at DESC, id)`,
  `CREATE INDEX messages_by_plan ON messages (plan_id, status)`,
  `CREATE TABLE message_recipients (
     message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
     recipient_id TEXT NOT NULL REFERENCES recipients (id) ON DELETE RESTRICT,
     PRIMARY KEY (message_id, recipient_id)
   ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX message_recipients_by_recipient ON message_recipients (recipient_id)`,
  `CREATE TABLE attachments (
     id TEXT PRIMARY KEY,
     message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
     name BLOB NOT NULL,
     media_type BLOB NOT NULL,
     size INTEGER NOT NULL CHECK (size >= 0),
     stored_size INTEGER NOT NULL CHECK (stored_size >= 0),
     created_at INTEGER NOT NULL
   ) STRICT`,
  `CREATE INDEX attachments_by_message ON attachments (message_id)`,
  `CREATE TABLE plan_state (
     plan_id TEXT PRIMARY KEY REFERENCES warning_plans (id) ON DELETE CASCADE,
     state TEXT NOT NULL CHECK (state IN
       ('created', 'scheduled', 'warning', 'waiting', 'triggered', 'sent', 'paused', 'stopped')),
     level INTEGER NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 5),
     armed_at INTEGER,
     last_checkin_at INTEGER,
     level_issued_at INTEGER,
     next_action_at INTEGER,
     paused_until INTEGER,
     updated_at INTEGER NOT NULL
   ) STRICT`,
  `CREATE INDEX plan_state_due ON plan_state (next_action_at) WHERE next_action_at IS NOT NULL`,
  `CREATE TABLE plan_events (
     id INTEGER PRIMARY KEY,
     plan_id TEXT NOT NULL REFERENCES warning_plans (id) ON DELETE CASCADE,
     at INTEGER NOT NULL,
     from_state TEXT NOT NULL,
     to_state TEXT NOT NULL,
     level INTEGER NOT NULL,
     reason TEXT NOT NULL
   ) STRICT`,
  `CREATE INDEX plan_events_by_plan ON plan_events (plan_id, id)`,
  `CREATE TABLE checkins (
     id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     source TEXT NOT NULL
   ) STRICT`,
  `CREATE TABLE outbox (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('warning', 'delivery')),
     plan_id TEXT REFERENCES warning_plans (id) ON DELETE SET NULL,
     message_id TEXT REFERENCES messages (id) ON DELETE SET NULL,
     recipient_id TEXT REFERENCES recipients (id) ON DELETE SET NULL,
     channel TEXT NOT NULL,
     level INTEGER,
     payload BLOB,
     idempotency_key TEXT NOT NULL UNIQUE,
     status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     not_before INTEGER NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     last_error TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) STRICT`,
  `CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending')`,
  `CREATE INDEX outbox_by_status ON outbox (status)`,
  `CREATE TABLE delivery_attempts (
     id INTEGER PRIMARY KEY,
     outbox_id TEXT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
     at INTEGER NOT NULL,
     outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed')),
     error_code TEXT,
     response TEXT
   ) STRICT`,
  `CREATE INDEX delivery_attempts_by_outbox ON delivery_attempts (outbox_id, id)`,
  `CREATE TABLE settings (
     key TEXT PRIMARY KEY,
     value BLOB NOT NULL,
     updated_at INTEGER NOT NULL
   ) STRICT`,
  `CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     action TEXT NOT NULL,
     entity_type TEXT,
     entity_id TEXT,
     detail TEXT NOT NULL CHECK (json_valid(detail)),
     prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
     hash BLOB NOT NULL CHECK (length(hash) = 32)
   ) STRICT`,
  // Append-only in normal operation; `audit verify` catches what bypasses these (a raw editor).
  `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
  `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
  `CREATE TABLE audit_seal (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     seq INTEGER NOT NULL,
     hash BLOB NOT NULL,
     mac BLOB NOT NULL
   ) STRICT`,
];

export const migration0001Initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) {
      await sql.raw(statement).execute(db);
    }
  },
};
