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
const LEVELS = JSON.stringify([1, 2, 3, 4, 5].map(() => ({ waitMs: 60_000, channels: ['desktop'] })));

/** A vault at schema 3 with a plan and one prompt of each sort the UI used to tell apart. */
async function schema3WithPrompts(file: string): Promise<void> {
  const db = await openDatabase(file, { migrations: only('0001-initial', '0002-warning-engine', '0003-api-tokens') });
  db.sqlite
    .prepare(
      `INSERT INTO warning_plans (id, name, interval_ms, levels, created_at, updated_at) VALUES ('pln_1', x'00', 60000, ?, 1, 1)`,
    )
    .run(LEVELS);
  db.sqlite.exec(`
    INSERT INTO desktop_prompts (plan_id, level, at) VALUES ('pln_1', 2, 10);
    INSERT INTO desktop_prompts (plan_id, level, at) VALUES (NULL, 0, 20);
    INSERT INTO desktop_prompts (plan_id, level, at, answered_at) VALUES ('pln_1', 0, 30, 31);
  `);
  await db.close();
}

describe('migration 0004-prompt-kinds', () => {
  it('gives every prompt a kind, classifying the old ones as the UI did', async () => {
    const file = join(dir, 'vault.db');
    await schema3WithPrompts(file);
    const db = await openDatabase(file, {
      migrations: only('0001-initial', '0002-warning-engine', '0003-api-tokens', '0004-prompt-kinds'),
    });
    try {
      expect(db.sqlite.pragma('user_version', { simple: true })).toBe(4);
      expect(
        db.sqlite.prepare('SELECT plan_id, level, at, answered_at, kind FROM desktop_prompts ORDER BY id').all(),
      ).toEqual([
        { plan_id: 'pln_1', level: 2, at: 10, answered_at: null, kind: 'warning' },
        { plan_id: null, level: 0, at: 20, answered_at: null, kind: 'test' },
        { plan_id: 'pln_1', level: 0, at: 30, answered_at: 31, kind: 'notice' },
      ]);
      const insert = db.sqlite.prepare(
        'INSERT INTO desktop_prompts (plan_id, level, at, kind) VALUES (NULL, 0, 40, ?)',
      );
      insert.run('test');
      expect(() => insert.run('question')).toThrow(/CHECK/);
      db.sqlite.exec('INSERT INTO desktop_prompts (plan_id, level, at) VALUES (NULL, 0, 50)');
      expect(db.sqlite.prepare('SELECT kind FROM desktop_prompts WHERE at = 50').pluck().get()).toBe('notice');
      expect(db.sqlite.pragma('foreign_key_check')).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
