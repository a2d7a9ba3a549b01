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
const blob = Buffer.from([1, 2, 3]);

describe('migration 0008-private-network', () => {
  it('keeps every existing webhook working (marked as kept) and starts new ones without private access', async () => {
    const file = join(dir, 'vault.db');
    const old = await openDatabase(file, { migrations: before('0008-private-network') });
    old.sqlite
      .prepare('INSERT INTO webhooks (id, name, url, secret, created_at) VALUES (?, ?, ?, ?, ?)')
      .run('hook_old', 'lan', blob, blob, 1);
    const recipient = old.sqlite.prepare(
      'INSERT INTO recipients (id, type, name, contact, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    recipient.run('rcp_hook', 'webhook', blob, blob, 1, 1);
    recipient.run('rcp_mail', 'email', blob, blob, 1, 1);
    await old.close();

    const db = await openDatabase(file);
    try {
      expect(db.sqlite.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(8);
      const hooks = db.sqlite.prepare(
        'SELECT id, allow_private_network, private_network_kept FROM webhooks ORDER BY id',
      );
      expect(hooks.all()).toEqual([{ id: 'hook_old', allow_private_network: 1, private_network_kept: 1 }]);
      expect(
        db.sqlite.prepare('SELECT id, allow_private_network, private_network_kept FROM recipients ORDER BY id').all(),
      ).toEqual([
        { id: 'rcp_hook', allow_private_network: 1, private_network_kept: 1 },
        { id: 'rcp_mail', allow_private_network: 0, private_network_kept: 0 },
      ]);
      db.sqlite
        .prepare('INSERT INTO webhooks (id, name, url, secret, created_at) VALUES (?, ?, ?, ?, ?)')
        .run('hook_new', 'new', blob, blob, 2);
      expect(hooks.all()).toContainEqual({ id: 'hook_new', allow_private_network: 0, private_network_kept: 0 });
      expect(() => db.sqlite.exec(`UPDATE webhooks SET allow_private_network = 2`)).toThrow(/CHECK constraint/);
    } finally {
      await db.close();
    }
  });
});
