import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../open-database.js';
import { MIGRATIONS } from './registry.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afterword-migrate-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const only = (...names: string[]) => Object.fromEntries(names.map((n) => [n, MIGRATIONS[n]!]));
const columns = (db: Awaited<ReturnType<typeof openDatabase>>, table: string) =>
  (db.sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);

/** A vault at schema 1 holding an outbox row with an attempt: what 0002 must carry over. */
async function schema1WithOutbox(file: string): Promise<void> {
  const db = await openDatabase(file, { migrations: only('0001-initial') });
  db.sqlite.exec(`
    INSERT INTO outbox (id, kind, channel, idempotency_key, status, attempts, not_before, next_attempt_at, created_at, updated_at)
      VALUES ('obx_1', 'warning', 'desktop', 'k1', 'pending', 1, 10, 20, 1, 2);
    INSERT INTO delivery_attempts (outbox_id, at, outcome, error_code, response) VALUES ('obx_1', 15, 'retry', 'X', 'r');
  `);
  await db.close();
}

describe('migration 0002-warning-engine', () => {
  it('rebuilds the outbox with the new statuses and columns, keeping rows and their attempts', async () => {
    const file = join(dir, 'vault.db');
    await schema1WithOutbox(file);
    const db = await openDatabase(file, { migrations: only('0001-initial', '0002-warning-engine') });
    try {
      expect(db.sqlite.pragma('user_version', { simple: true })).toBe(2);
      expect(db.sqlite.prepare('SELECT id, status, attempts, next_attempt_at FROM outbox').all()).toEqual([
        { id: 'obx_1', status: 'pending', attempts: 1, next_attempt_at: 20 },
      ]);
      expect(db.sqlite.prepare('SELECT outbox_id, outcome FROM delivery_attempts').all()).toEqual([
        { outbox_id: 'obx_1', outcome: 'retry' },
      ]);
      expect(columns(db, 'outbox')).toEqual(expect.arrayContaining(['cycle', 'first_attempt_at', 'completed_at']));
      expect(columns(db, 'plan_state')).toEqual(expect.arrayContaining(['cycle', 'wait_from']));
      db.sqlite.prepare(`UPDATE outbox SET status = 'cancelled' WHERE id = 'obx_1'`).run(); // new in 0002
      expect(() => db.sqlite.prepare(`UPDATE outbox SET status = 'lost' WHERE id = 'obx_1'`).run()).toThrow(/CHECK/);
      for (const table of ['webhooks', 'desktop_prompts', 'scheduler_ticks'])
        expect(columns(db, table).length).toBeGreaterThan(0);
      expect(db.sqlite.pragma('foreign_key_check')).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe('migration 0003-api-tokens', () => {
  it('adds tokens (hash only, unique) and used check-in links', async () => {
    const file = join(dir, 'vault.db');
    await schema1WithOutbox(file);
    const db = await openDatabase(file, { migrations: only('0001-initial', '0002-warning-engine', '0003-api-tokens') });
    try {
      expect(db.sqlite.pragma('user_version', { simple: true })).toBe(3);
      expect(columns(db, 'api_tokens')).toEqual(['id', 'role', 'label', 'token_hash', 'created_at', 'last_used_at']);
      expect(columns(db, 'used_checkin_links')).toEqual(['link_id', 'used_at', 'expires_at']);
      const insert = db.sqlite.prepare(
        `INSERT INTO api_tokens (id, role, label, token_hash, created_at) VALUES (?, ?, x'00', ?, 1)`,
      );
      insert.run('tok_1', 'checkin', Buffer.alloc(32, 1));
      expect(() => insert.run('tok_2', 'monitor', Buffer.alloc(32, 1))).toThrow(/UNIQUE/);
      expect(() => insert.run('tok_3', 'owner', Buffer.alloc(32, 2))).toThrow(/CHECK/);
      expect(() => insert.run('tok_4', 'checkin', Buffer.alloc(16, 3))).toThrow(/CHECK/);
    } finally {
      await db.close();
    }
  });
});
