import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ManualClock } from '../test-support/manual-clock.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import type { BucketTarget, ObjectStore } from '../ports/object-store.js';
import { createVaultServices, type VaultServices } from '../services.js';
import { Vault } from '../vault/vault.js';
import { bytesOf, T0, TEST_PASSWORD } from '../test-support/vault-fixture.js';
import { BackupTamperedError } from './backup-errors.js';
import { BackupService } from './backup-service.js';
import { manifestKey, SHARDS_PREFIX } from './bucket-layout.js';
import { withPushLock } from './push-lock.js';
import { restoreVault } from './restore.js';
import { createEngine, initializeVaultContent } from '../engine.js';
import { readStatus } from '../schedule/status.js';

const SCRYPT = { logN: 15, r: 8, p: 1 };
let server: S3rverProcess;
const roots: string[] = [];
const open: Vault[] = [];

beforeAll(async () => {
  server = await startS3rver();
}, 30_000);
afterAll(async () => {
  await stopS3rver(server);
});
afterEach(async () => {
  for (const vault of open.splice(0)) if (vault.db.sqlite.open) await vault.close();
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `aw-backup-${label}-`));
  roots.push(dir);
  return dir;
}

interface Machine {
  clock: ManualClock;
  vault: Vault;
  services: VaultServices;
  recoveryKey: string;
  backups: BackupService;
  target: BucketTarget;
}

/** A vault on "this" machine, with backups going to its own prefix of the test bucket. */
async function machineWithVault(prefix: string, start = T0): Promise<Machine> {
  const root = await tempDir('src');
  const clock = new ManualClock(start);
  const { vault, recoveryKey } = await Vault.create(join(root, 'vault'), TEST_PASSWORD, {
    clock,
    scrypt: SCRYPT,
    marks: new FileKeyStore(join(root, 'keys')),
  });
  open.push(vault);
  const services = createVaultServices(vault, clock);
  initializeVaultContent(services);
  const target = server.target(prefix);
  const backups = new BackupService(services, s3ObjectStores);
  backups.setTarget(target);
  return { clock, vault, services, recoveryKey, backups, target };
}

async function bucketFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await bucketFiles(full)));
    else out.push(full);
  }
  return out;
}

function needles(marker: string): Buffer[] {
  const out = [Buffer.from(marker), Buffer.from(marker, 'utf16le')];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), Buffer.from(marker)]).toString('base64');
    out.push(
      Buffer.from(encoded.slice(Math.ceil((shift * 4) / 3) + 1, Math.floor(((shift + marker.length) * 4) / 3) - 1)),
    );
  }
  return out;
}

async function addContent(m: Machine, marker: string): Promise<{ messageId: string; attachment: Uint8Array }> {
  const recipient = m.services.recipients.add({
    name: `${marker} name`,
    type: 'email',
    contact: `${marker.toLowerCase()}@example.org`,
  });
  const attachment = new Uint8Array(
    Buffer.concat([randomBytes(200_000), Buffer.from(`${marker} inside the file`), randomBytes(150_000)]),
  );
  const staged = await m.services.messages.attachments.stage(bytesOf(attachment), `${marker}.bin`);
  const messageId = m.services.messages.create({
    title: `${marker} title`,
    body: `${marker} body `.repeat(50),
    recipientIds: [recipient.id],
    attachments: [staged],
  });
  return { messageId, attachment };
}

async function readAll(gen: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of gen) parts.push(part);
  return Buffer.concat(parts);
}

/** Restores on a "fresh machine": another key folder, nothing but the bucket and a secret. */
async function restoreElsewhere(
  target: BucketTarget,
  secret: { password?: string; recoveryKey?: string; vaultKey?: Uint8Array },
  { killedBefore, ...extra }: { snapshot?: string; resumePlans?: boolean; killedBefore?: boolean } = {},
) {
  const root = await tempDir('dst');
  // What a restore killed halfway leaves beside its target.
  if (killedBefore) await mkdir(join(root, 'vault.restoring-0123456789ab', 'blobs'), { recursive: true });
  const clock = new ManualClock(T0 + 86_400_000);
  const store = new S3ObjectStore(target);
  const deps = { clock, scrypt: SCRYPT, marks: new FileKeyStore(join(root, 'keys')) };
  try {
    const summary = await restoreVault({ store, vaultDir: join(root, 'vault'), ...secret, ...extra, deps });
    return { summary, dir: join(root, 'vault'), deps, root };
  } catch (error) {
    return { error, dir: join(root, 'vault'), deps, root };
  } finally {
    store.close();
  }
}

/** The S3 store, with some of its methods replaced (each replacement gets the real store). */
function s3StoreWith(change: (inner: S3ObjectStore) => Partial<ObjectStore>) {
  return (target: BucketTarget): ObjectStore => {
    const inner = new S3ObjectStore(target);
    return {
      where: inner.where,
      put: (key, body) => inner.put(key, body),
      get: (key) => inner.get(key),
      getStream: (key) => inner.getStream(key),
      head: (key) => inner.head(key),
      delete: (key) => inner.delete(key),
      close: () => inner.close(),
      list: (prefix) => inner.list(prefix),
      ...change(inner),
    };
  };
}

describe('backup and restore through a real S3 server', { timeout: 120_000 }, () => {
  it('restores every message, recipient and attachment byte for byte with the password; nothing in the bucket is plaintext', async () => {
    const m = await machineWithVault('roundtrip');
    const marker = `MARKER-${randomBytes(6).toString('hex')}`;
    const { messageId, attachment } = await addContent(m, marker);
    const pushed = await m.backups.now();
    expect(pushed.seq).toBe(1);
    expect(pushed.objectsUploaded).toBeGreaterThan(2);
    // The push's copy of the database, and the files SQLite keeps beside one, are gone.
    expect((await readdir(m.vault.dir)).filter((name) => name.startsWith('.backup-'))).toEqual([]);

    const hits: string[] = [];
    const files = (await bucketFiles(join(server.directory, server.bucket, 'roundtrip'))).filter((f) =>
      f.endsWith('_S3rver_object'),
    );
    expect(files.some((f) => f.includes('/shards/'))).toBe(true);
    // The marker (in fields the vault encrypts anyway), and what any raw piece of the SQLite file holds.
    const raw = [Buffer.from('SQLite format 3\0'), Buffer.from('CREATE TABLE'), Buffer.from('CREATE INDEX')];
    for (const file of files) {
      const bytes = await readFile(file);
      for (const needle of [...needles(marker), ...raw])
        if (bytes.includes(needle)) hits.push(`${file}: ${needle.toString('latin1')}`);
    }
    expect(hits).toEqual([]);

    const restored = await restoreElsewhere(m.target, { password: TEST_PASSWORD });
    expect(restored.error).toBeUndefined();
    expect(restored.summary).toMatchObject({ seq: 1, messages: 1, attachments: 1, plansPaused: 1 });
    const vault = await Vault.open(restored.dir, restored.deps);
    open.push(vault);
    await vault.unlock(TEST_PASSWORD);
    const services = createVaultServices(vault, restored.deps.clock);
    const original = m.services.messages.get(messageId);
    const copy = services.messages.get(messageId);
    expect(copy).toEqual(original);
    expect(services.recipients.list()).toEqual(m.services.recipients.list());
    const attachmentId = copy.attachments[0]!.id;
    expect(
      Buffer.compare(await readAll(services.messages.attachments.read(attachmentId)), Buffer.from(attachment)),
    ).toBe(0);
    expect(vault.deviceKeyStatus().enabled).toBe(false);
    const actions = vault.db.sqlite.prepare('SELECT action FROM audit_log ORDER BY seq').all() as { action: string }[];
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['plans.paused', 'backup.restored']));
    const states = vault.db.sqlite.prepare('SELECT state FROM plan_state').all() as { state: string }[];
    expect(states.every((s) => s.state === 'paused')).toBe(true);
  });

  it('restores with the recovery key, plans running with --resume-plans, and refuses an existing vault', async () => {
    const m = await machineWithVault('recovery');
    await addContent(m, 'RECOVERY-CASE');
    await m.backups.now();
    const restored = await restoreElsewhere(
      m.target,
      { recoveryKey: m.recoveryKey },
      { resumePlans: true, killedBefore: true },
    );
    expect((await readdir(restored.root)).filter((name) => name.includes('restoring'))).toEqual([]);
    expect(restored.error).toBeUndefined();
    expect(restored.summary?.plansPaused).toBe(0);
    const store = new S3ObjectStore(m.target);
    const again = await restoreVault({
      store,
      vaultDir: restored.dir,
      recoveryKey: m.recoveryKey,
      deps: restored.deps,
    }).catch((e: unknown) => e);
    store.close();
    expect((again as { code?: string }).code).toBe('VAULT_EXISTS');
    // A --vault path that is a file, or inside one: a clear error, not ENOTDIR.
    const file = join(restored.root, 'a-file');
    await writeFile(file, 'not a folder');
    for (const vaultDir of [file, join(file, 'vault')]) {
      const onFile = new S3ObjectStore(m.target);
      const refused = await restoreVault({
        store: onFile,
        vaultDir,
        recoveryKey: m.recoveryKey,
        deps: restored.deps,
      }).catch((e: unknown) => e);
      onFile.close();
      expect(refused).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/is a file/) });
    }
    const wrong = await restoreElsewhere(m.target, { password: 'not the password at all' });
    expect((wrong.error as { code?: string }).code).toBe('WRONG_PASSWORD');
    expect(existsSync(wrong.dir)).toBe(false);
  });

  it('restores with the vault key itself (a paired standby), settled like any restore; a key of another vault is refused and nothing is written', async () => {
    const m = await machineWithVault('vault-key');
    const { messageId } = await addContent(m, 'VAULT-KEY-CASE');
    await m.backups.now();
    const vaultKey = new Uint8Array(m.vault.contentKey.key);
    const restored = await restoreElsewhere(m.target, { vaultKey });
    expect(restored.error).toBeUndefined();
    expect(restored.summary).toMatchObject({ seq: 1, messages: 1, attachments: 1, plansPaused: 1 });
    // The caller's key is left as it was (the vault zeroes only its own copy when it locks).
    expect(Buffer.from(vaultKey).equals(Buffer.from(m.vault.contentKey.key))).toBe(true);
    const vault = await Vault.open(restored.dir, restored.deps);
    open.push(vault);
    vault.unlockWithVaultKey(vaultKey);
    expect(createVaultServices(vault, restored.deps.clock).messages.get(messageId)).toEqual(
      m.services.messages.get(messageId),
    );
    const other = await machineWithVault('vault-key-other');
    const wrong = await restoreElsewhere(m.target, { vaultKey: new Uint8Array(other.vault.contentKey.key) });
    expect(wrong.error).toMatchObject({
      code: 'INTEGRITY',
      message: expect.stringMatching(/vault key given does not open/),
    });
    expect(existsSync(wrong.dir)).toBe(false);
    vault.lock();
    expect(() => vault.unlockWithVaultKey(other.vault.contentKey.key)).toThrow(/vault key given does not open/);
    expect(vault.isUnlocked).toBe(false);
  });

  it('an older snapshot restored after a password change opens with the new password', async () => {
    const m = await machineWithVault('password-change');
    m.services.messages.create({ title: 'before', body: 'before' });
    const first = await m.backups.now();
    await m.vault.changePassword(TEST_PASSWORD, 'a brand new passphrase');
    await m.backups.now();
    const old = await restoreElsewhere(m.target, { password: TEST_PASSWORD }, { snapshot: first.snapshotId });
    expect((old.error as { code?: string }).code).toBe('WRONG_PASSWORD');
    const restored = await restoreElsewhere(
      m.target,
      { password: 'a brand new passphrase' },
      { snapshot: first.snapshotId },
    );
    expect(restored.error).toBeUndefined();
    expect(restored.summary?.seq).toBe(1);
  });

  it('uploads only a few shards after one message is edited among 10,000', async () => {
    const m = await machineWithVault('incremental');
    const { messages } = m.services;
    const ids: string[] = [];
    // One outer transaction: the creates become savepoints (seconds, not minutes, for 10k rows).
    m.vault.db.q.transaction(() => {
      for (let i = 0; i < 10_000; i++)
        ids.push(messages.create({ title: `letter ${i}`, body: `words ${i} `.repeat(100) }));
    });
    const first = await m.backups.now();
    expect((await m.backups.list())[0]?.messages).toBe(10_000);
    // Hundreds of 64 KiB database shards: the edit below touches a handful of them.
    expect(first.objectsUploaded).toBeGreaterThan(200);
    const before = new Set(await bucketFiles(join(server.directory, server.bucket, 'incremental')));

    messages.update(ids[6_789]!, { body: 'an edited body, shorter than before' });
    // Requests of the second push, by kind: the reused shards are confirmed by a listing, not a HEAD each.
    const requests = { head: 0, list: 0 };
    const counting = s3StoreWith((inner) => ({
      head: (key) => ((requests.head += 1), inner.head(key)),
      list: (prefix) => ((requests.list += 1), inner.list(prefix)),
    }));
    const second = await new BackupService(m.services, counting).now();
    expect(second.seq).toBe(2);
    const added = (await bucketFiles(join(server.directory, server.bucket, 'incremental'))).filter(
      (file) => !before.has(file) && file.endsWith('._S3rver_object'),
    );
    // The edited page, the indexes and the audit rows it touched, the header: a handful of shards and the manifest.
    expect(second.objectsUploaded).toBeLessThanOrEqual(12);
    expect(added).toHaveLength(second.objectsUploaded);
    expect(added.filter((file) => file.includes('/manifests/'))).toHaveLength(1);
    // A few 64 KiB shards and the manifest, out of a vault of about 16 MB.
    expect(second.bytesUploaded).toBeLessThan(first.bytesUploaded / 40);
    expect(second.bytesSkipped).toBeGreaterThan(second.size - 1024 * 1024);
    expect(requests.head).toBe(0);
    expect(requests.list).toBeLessThanOrEqual(4);
  });

  it('names a changed shard (verify and restore) and never leaves a half-restored vault', async () => {
    const m = await machineWithVault('tamper-shard');
    await addContent(m, 'TAMPER');
    await m.backups.now();
    const shardFiles = (await bucketFiles(join(server.directory, server.bucket, 'tamper-shard', 'shards'))).filter(
      (f) => f.endsWith('_S3rver_object'),
    );
    const victim = shardFiles[0]!;
    const bytes = await readFile(victim);
    bytes[bytes.length - 20]! ^= 0x01;
    await writeFile(victim, bytes);
    const report = await m.backups.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^shard [0-9a-f]{64} in the bucket was changed/);
    const restored = await restoreElsewhere(m.target, { password: TEST_PASSWORD });
    expect(restored.error).toBeInstanceOf(BackupTamperedError);
    expect(existsSync(restored.dir)).toBe(false);
    expect((await readdir(restored.root)).filter((name) => name.includes('restoring'))).toEqual([]);
  });

  it('refuses a deleted newest manifest (rolled back), an older manifest put back in its place, and one from another vault', async () => {
    const m = await machineWithVault('tamper-manifest');
    await m.backups.now();
    m.services.messages.create({ title: 'second', body: 'second' });
    await m.backups.now();
    m.services.messages.create({ title: 'third', body: 'third' });
    await m.backups.now();
    const file = (seq: number): string => server.objectFile(`tamper-manifest/${manifestKey(seq)}`);
    const saved = await readFile(file(3));

    await copyFile(file(1), file(3));
    await expect(m.backups.list()).rejects.toMatchObject({ problem: 'manifest', code: 'INTEGRITY' });
    expect((await restoreElsewhere(m.target, { password: TEST_PASSWORD })).error).toMatchObject({
      problem: 'manifest',
    });

    await rm(file(3));
    await expect(m.backups.verify()).rejects.toMatchObject({ problem: 'rollback' });

    await rm(file(2));
    await writeFile(file(3), saved);
    await expect(m.backups.list()).rejects.toMatchObject({ problem: 'missing' });

    const other = await machineWithVault('other-vault');
    await other.backups.now();
    await copyFile(server.objectFile(`other-vault/${manifestKey(1)}`), file(2));
    await expect(m.backups.list()).rejects.toMatchObject({ problem: 'foreign' });
  });

  it('a restore beside the vault on the same machine (to try a backup) leaves the original openable, and the copy too', async () => {
    const m = await machineWithVault('same-machine');
    await addContent(m, 'SAME');
    await m.backups.now();
    // The original goes on after the snapshot: its history reaches further than the copy's.
    m.services.messages.create({ title: 'after the backup', body: 'later' });
    await m.vault.close();
    const root = dirname(m.vault.dir);
    const deps = { clock: m.clock, scrypt: SCRYPT, marks: new FileKeyStore(join(root, 'keys')) };
    const store = new S3ObjectStore(m.target);
    try {
      await restoreVault({ store, vaultDir: join(root, 'copy'), password: TEST_PASSWORD, deps });
    } finally {
      store.close();
    }
    for (const dir of [m.vault.dir, join(root, 'copy'), m.vault.dir]) {
      const vault = await Vault.open(dir, deps);
      open.push(vault);
      await vault.unlock(TEST_PASSWORD);
      await vault.close();
    }
    // Each copy keeps its own mark: the original put back from an older file is still refused.
    const older = await tempDir('older');
    await cp(join(root, 'copy'), older, { recursive: true });
    await rm(m.vault.dir, { recursive: true });
    await cp(older, m.vault.dir, { recursive: true });
    await expect(Vault.open(m.vault.dir, deps)).rejects.toMatchObject({ found: 'rewritten' });
  });

  it("a new target starts a chain of its own (the old bucket's newer snapshots do not block it)", async () => {
    const m = await machineWithVault('moving-from');
    await m.backups.now();
    await m.backups.now();
    m.backups.setTarget(server.target('moving-to'));
    expect((await m.backups.now()).seq).toBe(1);
    expect((await m.backups.list()).map((s) => s.seq)).toEqual([1]);
  });

  it('a push cut short leaves the previous snapshot restorable, and the next push completes it without uploading twice', async () => {
    const m = await machineWithVault('cut');
    await m.backups.now();
    for (let i = 0; i < 300; i++)
      m.services.messages.create({ title: `t${i}`, body: randomBytes(600).toString('hex') });
    let puts = 0;
    const failing = (target: BucketTarget): ObjectStore => {
      const real = new S3ObjectStore(target);
      return Object.assign(Object.create(real) as ObjectStore, {
        put: async (key: string, body: Uint8Array) => {
          if (++puts > 5) throw new Error('connection reset');
          return real.put(key, body);
        },
      });
    };
    await expect(new BackupService(m.services, failing).now()).rejects.toThrow(/connection reset/);
    const restored = await restoreElsewhere(m.target, { password: TEST_PASSWORD });
    expect(restored.summary?.seq).toBe(1);
    const next = await m.backups.now();
    expect(next.seq).toBe(2);
    expect(next.bytesSkipped).toBeGreaterThan(0);
    expect((await m.backups.verify()).ok).toBe(true);
  });

  it('the server stopped in the middle of a push, then started again: the previous snapshot restores, the next push converges', async () => {
    const m = await machineWithVault('server-stopped');
    await m.backups.now();
    for (let i = 0; i < 300; i++)
      m.services.messages.create({ title: `s${i}`, body: randomBytes(600).toString('hex') });
    let puts = 0;
    let stopping: Promise<void> | null = null;
    const stoppingMidway = (target: BucketTarget): ObjectStore => {
      const real = new S3ObjectStore(target);
      return Object.assign(Object.create(real) as ObjectStore, {
        put: async (key: string, body: Uint8Array) => {
          if (++puts === 4) stopping = server.stop();
          if (stopping) await stopping;
          return real.put(key, body);
        },
      });
    };
    await expect(new BackupService(m.services, stoppingMidway).now()).rejects.toThrow();
    await server.restart();
    const restored = await restoreElsewhere(m.target, { password: TEST_PASSWORD });
    expect(restored.summary?.seq).toBe(1);
    const next = await m.backups.now();
    expect(next.seq).toBe(2);
    expect(next.bytesSkipped).toBeGreaterThan(0);
    expect((await m.backups.verify()).ok).toBe(true);
  }, 60_000);

  it('prune keeps the newest snapshots and deletes only unreferenced shards a day older than the bucket', async () => {
    const m = await machineWithVault('prune', Date.now());
    for (let i = 0; i < 3; i++) {
      m.services.messages.create({ title: `p${i}`, body: randomBytes(3000).toString('hex') });
      await m.backups.now();
    }
    const early = await m.backups.prune(1);
    expect(early).toMatchObject({ keptSnapshots: 1, deletedSnapshots: 2, deletedShards: 0 });
    // This machine's clock days ahead says nothing about the shards' age: only the server's does.
    m.clock.advance(5 * 86_400_000);
    expect((await m.backups.prune(1)).deletedShards).toBe(0);
    // The server wrote every shard two days before the newest manifest.
    const old = new Date(Date.now() - 2 * 86_400_000);
    const shardFiles = await bucketFiles(join(server.directory, server.bucket, 'prune', 'shards'));
    for (const file of shardFiles) await utimes(file, old, old);
    const late = await m.backups.prune(1);
    expect(late.deletedShards).toBeGreaterThan(0);
    expect((await m.backups.list()).map((s) => s.seq)).toEqual([3]);
    expect((await m.backups.verify()).ok).toBe(true);
  });
  it('prune waits for a running push (same lock), and a push re-uploads a reused shard removed before its manifest', async () => {
    const m = await machineWithVault('prune-race');
    await addContent(m, 'PRUNE-RACE');
    await m.backups.now();
    const blocked = await withPushLock(m.vault.dir, () => m.backups.prune(1).catch((e: unknown) => e));
    expect((blocked as { code?: string }).code).toBe('CONFLICT');
    // A store whose first shard listing is followed by the removal of every listed shard (as a prune elsewhere would).
    let pruned = false;
    const racing = s3StoreWith((inner) => ({
      async *list(prefix: string) {
        const items = [];
        for await (const item of inner.list(prefix)) items.push(item);
        yield* items;
        if (prefix !== SHARDS_PREFIX || pruned) return;
        pruned = true;
        for (const item of items) await inner.delete(item.key);
      },
    }));
    m.services.messages.create({ title: 'one more', body: 'after the first push' });
    const second = await new BackupService(m.services, racing).now();
    expect(second.seq).toBe(2);
    const report = await m.backups.verify();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
  it('verify: a snapshot pruned elsewhere meanwhile is said to be gone; a shard lost under a kept manifest is still named', async () => {
    const m = await machineWithVault('verify-pruned');
    await addContent(m, 'VERIFY-PRUNED');
    await m.backups.now();
    m.services.messages.create({ title: 'second', body: randomBytes(3000).toString('hex') });
    await m.backups.now();
    /** A store where, at the first shard read, another machine removes `manifestsToo` and that shard. */
    const removingAtFirstRead = (manifestsToo: string[]) => {
      let removed = false;
      return s3StoreWith((inner) => ({
        async get(key: string) {
          if (!removed && key.startsWith(SHARDS_PREFIX)) {
            removed = true;
            for (const manifest of manifestsToo) await inner.delete(manifest);
            await inner.delete(key);
          }
          return inner.get(key);
        },
      }));
    };
    // Snapshot 1 pruned (its manifest first, then a shard) while it is verified.
    const pruning = new BackupService(m.services, removingAtFirstRead([manifestKey(1)]));
    const gone = await pruning.verify('1').catch((error: unknown) => error);
    expect(gone).toMatchObject({ code: 'NOT_FOUND' });
    expect((gone as Error).message).toMatch(/snapshot #1 \(pruned from the bucket while it was being verified\)/);
    expect((await m.backups.list()).map((s) => s.seq)).toEqual([2]);
    // The newest snapshot's manifest stays: its lost shard is a problem, named as before.
    const losing = new BackupService(m.services, removingAtFirstRead([]));
    const report = await losing.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(/^shard \S+ is missing from the bucket$/)]);
    // No prune removes the newest snapshot: its manifest and a shard gone meanwhile are reported too.
    const cut = new BackupService(m.services, removingAtFirstRead([manifestKey(2)]));
    const cutReport = await cut.verify('2');
    expect(cutReport.ok).toBe(false);
    expect(cutReport.problems).toContainEqual(expect.stringMatching(/^shard \S+ is missing from the bucket$/));
  });
  it('a copy of a vault that had fired holds its deliveries until resume, is settled before it is in place, and opens despite a lockout', async () => {
    const m = await machineWithVault('triggered');
    const { messageId } = await addContent(m, 'FIRED');
    const source = createEngine(m.services, { clock: m.clock });
    const planId = m.services.plans.defaultPlanId()!;
    const recipientId = m.services.recipients.list()[0]!.id;
    m.vault.db.sqlite.prepare("UPDATE plan_state SET state = 'triggered', level = 5 WHERE plan_id = ?").run(planId);
    const { cycle } = m.vault.db.sqlite.prepare('SELECT cycle FROM plan_state WHERE plan_id = ?').get(planId) as {
      cycle: number;
    };
    source.outbox.enqueue({
      kind: 'delivery',
      channel: 'email',
      planId,
      messageId,
      recipientId,
      cycle,
      level: 5,
      idempotencyKey: 'delivery:fired',
    });
    await source.close();
    // Someone had been guessing on the old machine: the copy's counter must not lock out the owner.
    m.vault.db.sqlite.prepare('UPDATE unlock_guard SET failures = 40, last_failure_at = ?').run(T0 + 86_400_000);
    await m.backups.now();

    const restored = await restoreElsewhere(m.target, { password: TEST_PASSWORD });
    expect(restored.error).toBeUndefined();
    expect(restored.summary).toMatchObject({ plansTriggered: 1, heldDeliveries: 1, heldOther: 0 });
    const vault = await Vault.open(restored.dir, restored.deps);
    open.push(vault);
    await vault.unlock(TEST_PASSWORD);
    const services = createVaultServices(vault, restored.deps.clock);
    const engine = createEngine(services, { clock: restored.deps.clock });
    const restoredProblem = () =>
      readStatus(services, engine.outbox, restored.deps.clock.now()).problems.find(
        (p) => p.code === 'RESTORED_COPY_PAUSED',
      );
    try {
      // No snapshot of the copy goes into the original's bucket before resume, not even by hand.
      await expect(new BackupService(services, s3ObjectStores).now()).rejects.toMatchObject({ code: 'CONFLICT' });
      // Paused, and said so until resumed: a copy nobody resumes is a switch turned off.
      expect(restoredProblem()?.params).toMatchObject({ seq: 1 });
      expect(restoredProblem()?.message).toContain('afterword resume');
      expect(engine.outbox.nextDueAt()).toBeNull();
      await engine.runOnce('test');
      const row = () =>
        vault.db.sqlite.prepare("SELECT status, held FROM outbox WHERE idempotency_key = 'delivery:fired'").get();
      expect(row()).toEqual({ status: 'pending', held: 1 });
      expect(vault.db.sqlite.prepare('SELECT state FROM plan_state WHERE plan_id = ?').get(planId)).toEqual({
        state: 'triggered',
      });
      engine.scheduler.resume();
      expect(restoredProblem()).toBeUndefined();
      expect(row()).toMatchObject({ held: 0 });
      expect(engine.outbox.nextDueAt()).not.toBeNull();
    } finally {
      await engine.close();
    }
  });

  it('--resume-plans restarts the waits from the restore time, not from the snapshot', async () => {
    const m = await machineWithVault('resume-time');
    await addContent(m, 'RESUME');
    await m.backups.now();
    const restored = await restoreElsewhere(m.target, { password: TEST_PASSWORD }, { resumePlans: true });
    expect(restored.error).toBeUndefined();
    const vault = await Vault.open(restored.dir, restored.deps);
    open.push(vault);
    const states = vault.db.sqlite.prepare('SELECT state, wait_from, last_checkin_at FROM plan_state').all();
    expect(states).toContainEqual({ state: 'scheduled', wait_from: T0 + 86_400_000, last_checkin_at: T0 + 86_400_000 });
  });

  it("the restore side's chain mark belongs to one bucket location: a vault backed up to two buckets restores from both", async () => {
    const m = await machineWithVault('mark-a');
    m.services.messages.create({ title: 'a', body: 'a' });
    await m.backups.now();
    await m.backups.now();
    m.backups.setTarget(server.target('mark-b'));
    await m.backups.now();
    const root = await tempDir('marks');
    const deps = {
      clock: new ManualClock(T0 + 86_400_000),
      scrypt: SCRYPT,
      marks: new FileKeyStore(join(root, 'keys')),
    };
    for (const prefix of ['mark-a', 'mark-b']) {
      const store = new S3ObjectStore(server.target(prefix));
      try {
        const summary = await restoreVault({ store, vaultDir: join(root, prefix), password: TEST_PASSWORD, deps });
        expect(summary.seq).toBe(prefix === 'mark-a' ? 2 : 1);
      } finally {
        store.close();
      }
    }
  });
  it("the bucket's keys and config are signed: verify and restore refuse a changed one, a push writes it again and says so, and a missing keys is named", async () => {
    const m = await machineWithVault('signed-identity');
    m.services.messages.create({ title: 'signed', body: 'signed' });
    await m.backups.now();
    expect(await m.backups.verify()).toMatchObject({ ok: true, problems: [] });
    const store = new S3ObjectStore(m.target);
    try {
      const original = (await store.get('keys'))!;
      const keys = JSON.parse(Buffer.from(original).toString('utf8')) as { wraps: { kind: string; params: string }[] };
      // A swapped recovery wrap: the password still opens the vault key, but these wraps are not the vault's.
      keys.wraps.find((w) => w.kind === 'recovery')!.params += ' ';
      await store.put('keys', Buffer.from(JSON.stringify(keys)));
      const report = await m.backups.verify();
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([expect.stringMatching(/keys object was changed/)]);
      const refused = await restoreElsewhere(m.target, { password: TEST_PASSWORD });
      expect((refused.error as Error).message).toMatch(/keys or config object was changed/);
      expect(existsSync(refused.dir)).toBe(false);
      // The next push finds it, writes it again from the vault and says so, once.
      await expect(m.backups.now()).rejects.toMatchObject({ problem: 'identity' });
      expect(await m.backups.verify()).toMatchObject({ ok: true, problems: [] });
      await m.backups.now();

      await store.delete('keys');
      expect((await m.backups.verify()).problems).toEqual([expect.stringMatching(/keys object is missing/)]);
      const missing = await restoreElsewhere(m.target, { password: TEST_PASSWORD });
      expect((missing.error as Error).message).toMatch(/keys object is missing.*afterword backup now/);
      await m.backups.now();
      expect((await m.backups.verify()).ok).toBe(true);
    } finally {
      store.close();
    }
  });
  it('an attachment deleted while a push runs leaves no row without a file in the copy', async () => {
    const m = await machineWithVault('blob-gone');
    const files = [];
    for (const name of ['kept.bin', 'gone.bin'])
      files.push(await m.services.messages.attachments.stage(bytesOf(new Uint8Array(randomBytes(5000))), name));
    const messageId = m.services.messages.create({ title: 'two files', body: 'two files', attachments: files });
    const [kept, gone] = m.services.messages
      .get(messageId)
      .attachments.map((a) => a.id)
      .sort() as [string, string];
    let deleted = false;
    // At the first shard upload of the push (the copy of the database is taken), the blob disappears.
    const deleting = s3StoreWith((inner) => ({
      put: (key, body) => {
        if (!deleted && key.startsWith(SHARDS_PREFIX)) {
          deleted = true;
          unlinkSync(join(m.vault.blobsDir, gone));
        }
        return inner.put(key, body);
      },
    }));
    await new BackupService(m.services, deleting).now();
    expect(deleted).toBe(true);
    const restored = await restoreElsewhere(m.target, { password: TEST_PASSWORD });
    expect(restored.error).toBeUndefined();
    const vault = await Vault.open(restored.dir, restored.deps);
    open.push(vault);
    await vault.unlock(TEST_PASSWORD);
    const copy = createVaultServices(vault, restored.deps.clock).messages.get(messageId);
    expect(copy.attachments.map((a) => a.id)).toEqual([kept]);
  });
});
