import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../node/file-key-store.js';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import { BACKUP_SETTINGS } from '../backup/backup-health.js';
import { BackupService } from '../backup/backup-service.js';
import { createEngine, initializeVaultContent } from '../engine.js';
import { createVaultServices } from '../services.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { bytesOf, T0, TEST_PASSWORD } from '../test-support/vault-fixture.js';
import { Vault } from '../vault/vault.js';
import { blobsPath, databasePath } from '../vault/vault-paths.js';
import { followDir, materializeTakeover, moveTakenOverAside, STANDBY_TOOK_OVER_ACTION } from './takeover-vault.js';

const SCRYPT = { logN: 15, r: 8, p: 1 };
const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

const sha = async (file: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

/** What a standby's follower left in `dir/follow/`: the primary's vault with a device key of the primary's machine. */
async function followedCopy() {
  const root = await mkdtemp(join(tmpdir(), 'aw-takeover-'));
  roots.push(root);
  const dir = join(root, 'standby');
  const clock = new ManualClock(T0);
  const { vault } = await Vault.create(followDir(dir), TEST_PASSWORD, { clock, scrypt: SCRYPT });
  const services = createVaultServices(vault, clock);
  initializeVaultContent(services);
  new BackupService(services, s3ObjectStores).setTarget({
    endpoint: 'https://s3.example.org',
    bucket: 'b',
    prefix: 'p',
    region: 'us-east-1',
    pathStyle: true,
    accessKeyId: 'AKIA',
    secretAccessKey: 'secret',
  });
  const staged = await services.messages.attachments.stage(bytesOf(new Uint8Array(5000).fill(7)), 'a.bin');
  const kin = services.recipients.add({ name: 'Kin', type: 'email', contact: 'kin@example.org' });
  services.messages.create({ title: 'Goodbye', body: 'b', recipientIds: [kin.id], attachments: [staged] });
  const engine = createEngine(services, { clock });
  await engine.runOnce('test');
  await engine.close();
  const primaryKeys = new FileKeyStore(join(root, 'primary-keys'));
  await vault.enableDeviceKey(primaryKeys);
  const vaultKey = new Uint8Array(vault.contentKey.key);
  const plans = vault.db.sqlite.prepare('SELECT plan_id, state, level, wait_from FROM plan_state').all();
  await vault.close();
  return { root, dir, clock, vaultKey, primaryKeys, plans, standbyKeys: new FileKeyStore(join(root, 'standby-keys')) };
}

describe('materializeTakeover', () => {
  it('makes the followed copy the vault of the folder: same plans, a device key of this machine, no backup target, the takeover audited', async () => {
    const f = await followedCopy();
    const followedDb = await sha(databasePath(followDir(f.dir)));
    const marks = new FileKeyStore(join(f.root, 'marks'));
    await materializeTakeover(
      f.dir,
      { runner: 'nas', epoch: 3, seq: 7 },
      { vaultKey: f.vaultKey, keyStore: f.standbyKeys, marks, clock: f.clock },
    );
    // The followed copy is untouched, and no staging folder is left.
    expect(await sha(databasePath(followDir(f.dir)))).toBe(followedDb);
    expect((await readdir(f.dir)).sort()).toEqual(['blobs', 'follow', 'vault.db']);
    expect(await readdir(blobsPath(f.dir))).toEqual(await readdir(blobsPath(followDir(f.dir))));

    // This machine's marks are written for the folder: the normal open checks them and passes.
    const vault = await Vault.open(f.dir, { clock: f.clock, marks });
    try {
      await expect(vault.unlockWithDeviceKey(f.primaryKeys)).rejects.toThrow();
      await vault.unlockWithDeviceKey(f.standbyKeys);
      const { db } = vault;
      expect(db.sqlite.prepare('SELECT plan_id, state, level, wait_from FROM plan_state').all()).toEqual(f.plans);
      const target = db.sqlite.prepare('SELECT 1 FROM settings WHERE key = ?').get(BACKUP_SETTINGS.target);
      expect(target).toBeUndefined();
      const took = db.sqlite
        .prepare('SELECT entity_id, detail FROM audit_log WHERE action = ?')
        .get(STANDBY_TOOK_OVER_ACTION) as { entity_id: string; detail: string };
      expect(took.entity_id).toBe('nas');
      expect(JSON.parse(took.detail)).toEqual({ epoch: 3, seq: 7, backupTargetRemoved: true });
      expect(vault.audit.verify()).toEqual([]);
      const messages = createVaultServices(vault, f.clock).messages;
      expect(messages.list({}).items.map((m) => m.title)).toEqual(['Goodbye']);
    } finally {
      await vault.close();
    }
  });

  it('moveTakenOverAside keeps the vault it ran in taken-over-<time>/ and leaves the folder without a vault', async () => {
    const f = await followedCopy();
    await materializeTakeover(
      f.dir,
      { runner: 'nas', epoch: 1, seq: 1 },
      { vaultKey: f.vaultKey, keyStore: f.standbyKeys, clock: f.clock },
    );
    const ran = await sha(databasePath(f.dir));
    const aside = await moveTakenOverAside(f.dir, T0);
    expect(aside).toBe(join(f.dir, 'taken-over-2025-03-01T09-00-00-000Z'));
    expect(Vault.exists(f.dir)).toBe(false);
    expect(existsSync(blobsPath(f.dir))).toBe(false);
    expect(await sha(databasePath(aside))).toBe(ran);
    expect((await readdir(blobsPath(aside))).length).toBe(1);
    // A second takeover later starts from the followed copy again.
    await materializeTakeover(
      f.dir,
      { runner: 'nas', epoch: 2, seq: 2 },
      { vaultKey: f.vaultKey, keyStore: f.standbyKeys, clock: f.clock },
    );
    expect(Vault.exists(f.dir)).toBe(true);
  });
});
