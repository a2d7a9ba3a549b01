import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type VaultDb } from '../open-database.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './registry.js';
import { migration0001Initial } from './0001-initial.js';

/** What 0001 must create: every table of the seed's domain, with its columns in order. */
const EXPECTED_TABLES: Record<string, string[]> = {
  vault_info: ['id', 'vault_id', 'key_id', 'created_at', 'created_by_version'],
  key_wraps: ['kind', 'kdf', 'params', 'verifier', 'wrapped_key', 'created_at'],
  unlock_guard: ['id', 'failures', 'last_failure_at'],
  recipients: ['id', 'type', 'name', 'contact', 'created_at', 'updated_at'],
  warning_plans: ['id', 'name', 'interval_ms', 'levels', 'is_default', 'created_at', 'updated_at'],
  messages: [
    'id',
    'title',
    'body_text',
    'body_html',
    'status',
    'plan_id',
    'delivery_delay_ms',
    'created_at',
    'updated_at',
  ],
  message_recipients: ['message_id', 'recipient_id'],
  attachments: ['id', 'message_id', 'name', 'media_type', 'size', 'stored_size', 'created_at'],
  plan_state: [
    'plan_id',
    'state',
    'level',
    'armed_at',
    'last_checkin_at',
    'level_issued_at',
    'next_action_at',
    'paused_until',
    'updated_at',
  ],
  plan_events: ['id', 'plan_id', 'at', 'from_state', 'to_state', 'level', 'reason'],
  checkins: ['id', 'at', 'source'],
  outbox: [
    'id',
    'kind',
    'plan_id',
    'message_id',
    'recipient_id',
    'channel',
    'level',
    'payload',
    'idempotency_key',
    'status',
    'attempts',
    'not_before',
    'next_attempt_at',
    'last_error',
    'created_at',
    'updated_at',
  ],
  delivery_attempts: ['id', 'outbox_id', 'at', 'outcome', 'error_code', 'response'],
  settings: ['key', 'value', 'updated_at'],
  audit_log: ['seq', 'at', 'action', 'entity_type', 'entity_id', 'detail', 'prev_hash', 'hash'],
  audit_seal: ['id', 'seq', 'hash', 'mac'],
};

/** Encrypted columns: they must be BLOB so that STRICT refuses plaintext TEXT in them. */
const ENCRYPTED_COLUMNS: [string, string][] = [
  ['recipients', 'name'],
  ['recipients', 'contact'],
  ['warning_plans', 'name'],
  ['messages', 'title'],
  ['messages', 'body_text'],
  ['messages', 'body_html'],
  ['attachments', 'name'],
  ['attachments', 'media_type'],
  ['outbox', 'payload'],
  ['settings', 'value'],
  ['key_wraps', 'verifier'],
  ['key_wraps', 'wrapped_key'],
];

/** This file tests 0001 on its own, on a fresh database, whatever later migrations change. */
const ONLY_0001 = { migrations: { '0001-initial': migration0001Initial } };

let dir = '';
let db: VaultDb | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afterword-mig-'));
});
afterEach(async () => {
  await db?.close();
  db = undefined;
  await rm(dir, { recursive: true, force: true });
});

interface TableInfo {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

function tableNames(d: VaultDb): string[] {
  return d.sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
}

function columns(d: VaultDb, table: string): TableInfo[] {
  return d.sqlite.prepare(`SELECT name, type, "notnull", pk FROM pragma_table_info(?)`).all(table) as TableInfo[];
}

describe('migration 0001-initial', () => {
  it('is the first registered migration', () => {
    expect(Object.keys(MIGRATIONS).sort()[0]).toBe('0001-initial');
    expect(MIGRATIONS['0001-initial']).toBe(migration0001Initial);
    expect(LATEST_SCHEMA_VERSION).toBe(Object.keys(MIGRATIONS).length);
  });

  it('creates every table with the expected columns on a fresh database', async () => {
    db = await openDatabase(join(dir, 'vault.db'), ONLY_0001);
    const expected = [...Object.keys(EXPECTED_TABLES), 'kysely_migration', 'kysely_migration_lock'].sort();
    expect(tableNames(db)).toEqual(expected);
    for (const [table, cols] of Object.entries(EXPECTED_TABLES)) {
      expect(
        columns(db, table).map((c) => c.name),
        table,
      ).toEqual(cols);
    }
    expect(db.sqlite.pragma('user_version', { simple: true })).toBe(1);
    expect(db.sqlite.prepare('SELECT name FROM kysely_migration').pluck().all()).toEqual(['0001-initial']);
  });

  it('makes every domain table STRICT', async () => {
    db = await openDatabase(join(dir, 'vault.db'), ONLY_0001);
    const list = db.sqlite.prepare('SELECT name, strict FROM pragma_table_list WHERE schema = ?').all('main') as {
      name: string;
      strict: number;
    }[];
    const strict = new Map(list.map((t) => [t.name, t.strict]));
    for (const table of Object.keys(EXPECTED_TABLES)) expect(strict.get(table), table).toBe(1);
  });

  it('declares every encrypted column as BLOB', async () => {
    db = await openDatabase(join(dir, 'vault.db'), ONLY_0001);
    for (const [table, column] of ENCRYPTED_COLUMNS) {
      const info = columns(db, table).find((c) => c.name === column);
      expect(info?.type, `${table}.${column}`).toBe('BLOB');
    }
  });

  it('seeds the single unlock_guard row with zero failures', async () => {
    db = await openDatabase(join(dir, 'vault.db'), ONLY_0001);
    expect(db.sqlite.prepare('SELECT id, failures, last_failure_at FROM unlock_guard').all()).toEqual([
      { id: 1, failures: 0, last_failure_at: null },
    ]);
  });

  it('STRICT rejects TEXT in a BLOB column', async () => {
    db = await openDatabase(join(dir, 'vault.db'), ONLY_0001);
    const insertSetting = db.sqlite.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 1)');
    expect(() => insertSetting.run('a', 'plaintext that should have been encrypted')).toThrow(
      /cannot store TEXT value in BLOB column settings\.value/,
    );
    insertSetting.run('b', Buffer.from([1, 2, 3]));
    const insertMessage = db.sqlite.prepare(
      `INSERT INTO messages (id, title, body_text, status, created_at, updated_at) VALUES (?, ?, ?, 'draft', 1, 1)`,
    );
    expect(() => insertMessage.run('m1', 'a title', Buffer.from([1]))).toThrow(
      /cannot store TEXT value in BLOB column/,
    );
    expect(db.sqlite.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(0);
    expect(db.sqlite.prepare('SELECT key FROM settings').pluck().all()).toEqual(['b']);
  });

  it('makes audit_log append-only: UPDATE and DELETE raise', async () => {
    db = await openDatabase(join(dir, 'vault.db'), ONLY_0001);
    db.sqlite
      .prepare(`INSERT INTO audit_log (seq, at, action, detail, prev_hash, hash) VALUES (1, 1, 'x', '{}', ?, ?)`)
      .run(Buffer.alloc(32), Buffer.alloc(32, 1));
    expect(() => db!.sqlite.prepare(`UPDATE audit_log SET action = 'y' WHERE seq = 1`).run()).toThrow(
      /audit_log is append-only/,
    );
    expect(() => db!.sqlite.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow(/audit_log is append-only/);
    expect(db.sqlite.prepare('SELECT action FROM audit_log').pluck().all()).toEqual(['x']);
  });

  it('enforces the CHECK constraints that keep singletons single and enums closed', async () => {
    db = await openDatabase(join(dir, 'vault.db'), ONLY_0001);
    const s = db.sqlite;
    expect(() => s.prepare('INSERT INTO unlock_guard (id, failures) VALUES (2, 0)').run()).toThrow(/CHECK/);
    expect(() => s.prepare(`INSERT INTO key_wraps VALUES ('pin', 'x', '{}', x'00', x'00', 1)`).run()).toThrow(/CHECK/);
    expect(() =>
      s
        .prepare(
          `INSERT INTO messages (id, title, body_text, status, created_at, updated_at) VALUES ('m', x'00', x'00', 'gone', 1, 1)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    expect(() =>
      s
        .prepare(
          `INSERT INTO audit_log (seq, at, action, detail, prev_hash, hash) VALUES (1, 1, 'x', 'not json', ?, ?)`,
        )
        .run(Buffer.alloc(32), Buffer.alloc(32)),
    ).toThrow(/CHECK/);
  });

  it('enforces foreign keys: a link to a missing recipient is refused', async () => {
    db = await openDatabase(join(dir, 'vault.db'), ONLY_0001);
    const s = db.sqlite;
    s.prepare(
      `INSERT INTO messages (id, title, body_text, status, created_at, updated_at) VALUES ('m', x'00', x'00', 'draft', 1, 1)`,
    ).run();
    expect(() => s.prepare(`INSERT INTO message_recipients VALUES ('m', 'nobody')`).run()).toThrow(/FOREIGN KEY/);
  });
});
