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

const before = (name: string) => Object.fromEntries(Object.entries(MIGRATIONS).filter(([n]) => n < name));

describe('migration 0007-recovery-guard', () => {
  it('adds one counter of failed recovery-key attempts, starting at zero', async () => {
    const file = join(dir, 'vault.db');
    const old = await openDatabase(file, { migrations: before('0007-recovery-guard') });
    expect(old.sqlite.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'recovery_guard'`).pluck().get()).toBe(
      0,
    );
    await old.close();

    const db = await openDatabase(file);
    try {
      expect(db.sqlite.prepare('SELECT id, failures, last_failure_at FROM recovery_guard').all()).toEqual([
        { id: 1, failures: 0, last_failure_at: null },
      ]);
      expect(() => db.sqlite.exec('INSERT INTO recovery_guard (id, failures) VALUES (2, 0)')).toThrow(
        /CHECK constraint/,
      );
      expect(() => db.sqlite.exec('UPDATE recovery_guard SET failures = -1')).toThrow(/CHECK constraint/);
    } finally {
      await db.close();
    }
  });
});
