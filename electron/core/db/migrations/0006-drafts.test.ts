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

describe('migration 0006-drafts', () => {
  it('adds the drafts table to a vault of the previous schema: one draft per slot, typed columns', async () => {
    const file = join(dir, 'vault.db');
    const before = await openDatabase(file, { migrations: upTo('0005-outbox-sent-journal') });
    await before.close();

    const db = await openDatabase(file, { migrations: upTo('0006-drafts') });
    try {
      expect(db.sqlite.pragma('user_version', { simple: true })).toBe(6);
      const save = db.sqlite.prepare('INSERT INTO drafts (slot, content, updated_at) VALUES (?, ?, ?)');
      save.run('new', Buffer.from([1, 2, 3]), 10);
      expect(() => save.run('new', Buffer.from([4]), 11)).toThrow(/UNIQUE|PRIMARY KEY/);
      expect(() => save.run('msg_x', Buffer.from([4]), 'soon')).toThrow(/cannot store TEXT value in INTEGER column/);
      expect(db.sqlite.prepare('SELECT count(*) FROM drafts').pluck().get()).toBe(1);
    } finally {
      await db.close();
    }
  });
});
