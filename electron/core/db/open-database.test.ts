import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql, type Migration } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, openDatabase, type VaultDb } from './open-database.js';
import { VaultTooNewError } from './db-errors.js';
import { migration0001Initial } from './migrations/0001-initial.js';
import { MIGRATIONS } from './migrations/registry.js';
import { AfterwordError } from '../errors.js';

let dir = '';
let file = '';
const opened: VaultDb[] = [];

async function open(options?: Parameters<typeof openDatabase>[1]): Promise<VaultDb> {
  const db = await openDatabase(file, options);
  opened.push(db);
  return db;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afterword-db-'));
  file = join(dir, 'vault.db');
});
afterEach(async () => {
  for (const db of opened.splice(0)) if (db.sqlite.open) await db.close();
  await rm(dir, { recursive: true, force: true });
});

/** Reads the schema version with a plain connection, without any of openDatabase's side effects. */
function rawUserVersion(path: string): number {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.pragma('user_version', { simple: true }) as number;
  } finally {
    raw.close();
  }
}

function schemaOf(db: VaultDb): unknown[] {
  return db.sqlite.prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY type, name`).all();
}

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

describe('openDatabase', () => {
  it('has the pragmas in force after open', async () => {
    const db = await open();
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('secure_delete', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.sqlite.pragma('trusted_schema', { simple: true })).toBe(0);
  });

  it('writes the latest schema version to user_version', async () => {
    const db = await open();
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
    expect(db.sqlite.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    await db.close();
    expect(rawUserVersion(file)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('reopening is a no-op: same schema, same migrations, data kept', async () => {
    const first = await open();
    first.sqlite
      .prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)')
      .run('k', Buffer.from([7]), 1);
    const schema = schemaOf(first);
    const migrations = first.sqlite.prepare('SELECT name, timestamp FROM kysely_migration').all();
    await first.close();

    const second = await open();
    expect(schemaOf(second)).toEqual(schema);
    expect(second.sqlite.prepare('SELECT name, timestamp FROM kysely_migration').all()).toEqual(migrations);
    expect(second.sqlite.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(second.sqlite.prepare('SELECT key, value FROM settings').all()).toEqual([
      { key: 'k', value: Buffer.from([7]) },
    ]);
    expect(second.sqlite.prepare('SELECT failures FROM unlock_guard').pluck().all()).toEqual([0]);
  });

  it('does not start the migrator on a vault that has every migration (it would make its lock table again)', async () => {
    (await open()).sqlite.exec('DROP TABLE kysely_migration_lock');
    const second = await open();
    expect(tableExists(second.sqlite, 'kysely_migration_lock')).toBe(false);
    await second.close();

    // One migration missing from the list: the migrator runs (its lock table is back) and applies it.
    const noop: Migration = { up: async () => undefined };
    const third = await open({ migrations: { ...MIGRATIONS, '9999-later': noop } });
    expect(tableExists(third.sqlite, 'kysely_migration_lock')).toBe(true);
    expect(third.sqlite.prepare('SELECT name FROM kysely_migration').pluck().all()).toContain('9999-later');
    expect(third.sqlite.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
  });

  it('close() releases the file', async () => {
    const db = await open();
    await db.close();
    expect(db.sqlite.open).toBe(false);
  });

  describe('refuses a vault written by a newer version', () => {
    it('by user_version, and leaves the file byte-for-byte unchanged', async () => {
      const db = await open();
      db.sqlite.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
      await db.close();
      const before = await readFile(file);

      const error = await openDatabase(file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(VaultTooNewError);
      expect((error as AfterwordError).code).toBe('VAULT_TOO_NEW');
      expect((error as Error).message).toMatch(/newer Afterword/);
      expect((error as Error).message).toContain(`schema ${LATEST_SCHEMA_VERSION + 1}`);
      expect(await readFile(file)).toEqual(before);
      expect(rawUserVersion(file)).toBe(LATEST_SCHEMA_VERSION + 1);
    });

    it('by user_version even when the newer vault is not in WAL mode (no pragma may touch it)', async () => {
      const raw = new Database(file);
      raw.pragma('journal_mode = DELETE');
      raw.exec('CREATE TABLE future_thing (a INTEGER) STRICT');
      raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
      raw.close();
      const before = await readFile(file);

      await expect(openDatabase(file)).rejects.toBeInstanceOf(VaultTooNewError);
      expect(await readFile(file)).toEqual(before);
      const check = new Database(file, { readonly: true });
      expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(tableExists(check, 'kysely_migration')).toBe(false);
      check.close();
    });

    it('by an unknown later name in kysely_migration, leaving it unchanged', async () => {
      const db = await open();
      db.sqlite
        .prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)')
        .run('9999-from-the-future', new Date(0).toISOString());
      await db.close();
      const before = await readFile(file);

      const error = await openDatabase(file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(VaultTooNewError);
      expect((error as Error).message).toContain('9999-from-the-future');
      expect(await readFile(file)).toEqual(before);
      expect(rawUserVersion(file)).toBe(LATEST_SCHEMA_VERSION);
    });

    it('by a custom registry that knows fewer migrations than the vault has', async () => {
      const noop: Migration = { up: async () => undefined };
      const db = await open({ migrations: { '0001-initial': migration0001Initial, '0002-noop': noop } });
      expect(db.sqlite.pragma('user_version', { simple: true })).toBe(2);
      await db.close();
      await expect(openDatabase(file, { migrations: { '0001-initial': migration0001Initial } })).rejects.toBeInstanceOf(
        VaultTooNewError,
      );
    });
  });

  describe('a migration that throws midway', () => {
    const broken: Migration = {
      async up(db) {
        await sql.raw('CREATE TABLE half_done (a INTEGER) STRICT').execute(db);
        await sql.raw(`INSERT INTO settings (key, value, updated_at) VALUES ('half', x'01', 1)`).execute(db);
        throw new Error('boom in the middle of 0002');
      },
    };
    const registry = { '0001-initial': migration0001Initial, '0002-broken': broken };

    function assertOnlyFirstApplied(): void {
      const raw = new Database(file, { readonly: true });
      try {
        expect(tableExists(raw, 'half_done')).toBe(false);
        expect(tableExists(raw, 'messages')).toBe(true);
        expect(raw.pragma('user_version', { simple: true })).toBe(1);
        expect(raw.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all()).toEqual(['0001-initial']);
        expect(raw.prepare(`SELECT count(*) FROM settings WHERE key = 'half'`).pluck().get()).toBe(0);
      } finally {
        raw.close();
      }
    }

    it('on a fresh database: 0001 is kept, nothing of 0002 remains', async () => {
      await expect(openDatabase(file, { migrations: registry })).rejects.toThrow(/boom in the middle of 0002/);
      assertOnlyFirstApplied();
    });

    it('on an existing version-1 vault: nothing of 0002 remains, and the vault still opens', async () => {
      await (await open({ migrations: { '0001-initial': migration0001Initial } })).close();
      await expect(openDatabase(file, { migrations: registry })).rejects.toThrow(/boom/);
      assertOnlyFirstApplied();
      const again = await open({ migrations: { '0001-initial': migration0001Initial } });
      expect(again.sqlite.pragma('user_version', { simple: true })).toBe(1);
    });

    it('then a fixed 0002 applies cleanly on the next open', async () => {
      await expect(openDatabase(file, { migrations: registry })).rejects.toThrow(/boom/);
      const fixed: Migration = {
        async up(db) {
          await sql.raw('CREATE TABLE half_done (a INTEGER) STRICT').execute(db);
        },
      };
      const db = await open({ migrations: { '0001-initial': migration0001Initial, '0002-broken': fixed } });
      expect(db.sqlite.pragma('user_version', { simple: true })).toBe(2);
      expect(tableExists(db.sqlite, 'half_done')).toBe(true);
    });
  });
});
