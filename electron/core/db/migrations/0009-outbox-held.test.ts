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

describe('migration 0009-outbox-held', () => {
  it('leaves every existing outbox row free to go, and refuses a value other than 0 or 1', async () => {
    const file = join(dir, 'vault.db');
    const old = await openDatabase(file, {
      migrations: Object.fromEntries(Object.entries(MIGRATIONS).filter(([n]) => n < '0009-outbox-held')),
    });
    old.sqlite
      .prepare(
        "INSERT INTO outbox (id, kind, channel, idempotency_key, status, not_before, next_attempt_at, created_at, updated_at) VALUES ('obx_1', 'notice', 'desktop', 'k1', 'pending', 1, 1, 1, 1)",
      )
      .run();
    await old.close();
    const db = await openDatabase(file);
    try {
      expect(db.sqlite.prepare('SELECT id, held FROM outbox').all()).toEqual([{ id: 'obx_1', held: 0 }]);
      expect(() => db.sqlite.prepare("UPDATE outbox SET held = 2 WHERE id = 'obx_1'").run()).toThrow(/CHECK/);
    } finally {
      await db.close();
    }
  });
});
