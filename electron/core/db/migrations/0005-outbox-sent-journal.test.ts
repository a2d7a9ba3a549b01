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

const upTo = (last: string) => Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name <= last));

describe('migration 0005-outbox-sent-journal', () => {
  it('adds the journal of sends, one note per outbox row, removed with its row', async () => {
    const file = join(dir, 'vault.db');
    const before = await openDatabase(file, { migrations: upTo('0004-prompt-kinds') });
    before.sqlite.exec(`
      INSERT INTO outbox (id, kind, channel, idempotency_key, status, attempts, not_before, next_attempt_at, created_at, updated_at)
      VALUES ('obx_1', 'test', 'email', 'k1', 'sending', 1, 1, 1, 1, 1)`);
    await before.close();

    const db = await openDatabase(file, { migrations: upTo('0005-outbox-sent-journal') });
    try {
      expect(db.sqlite.pragma('user_version', { simple: true })).toBe(5);
      const note = db.sqlite.prepare('INSERT INTO outbox_sent_journal (outbox_id, at, response) VALUES (?, ?, ?)');
      note.run('obx_1', 10, '250 OK');
      expect(() => note.run('obx_1', 11, '250 OK')).toThrow(/UNIQUE|PRIMARY KEY/);
      expect(() => note.run('obx_missing', 10, '250 OK')).toThrow(/FOREIGN KEY/);
      expect(() => note.run('obx_1', 'soon', '250 OK')).toThrow(/cannot store TEXT value in INTEGER column/);
      db.sqlite.exec(`DELETE FROM outbox WHERE id = 'obx_1'`);
      expect(db.sqlite.prepare('SELECT count(*) FROM outbox_sent_journal').pluck().get()).toBe(0);
    } finally {
      await db.close();
    }
  });
});
