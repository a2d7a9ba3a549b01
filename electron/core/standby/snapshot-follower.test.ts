import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../test-support/manual-clock.js';
import { bytesOf, T0, TEST_PASSWORD } from '../test-support/vault-fixture.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { BackupService } from '../backup/backup-service.js';
import { openBucket } from '../backup/bucket-access.js';
import { manifestKey } from '../backup/bucket-layout.js';
import { readChain } from '../backup/snapshot-chain.js';
import { restoreVault } from '../backup/restore.js';
import { createEngine, initializeVaultContent } from '../engine.js';
import { createVaultServices, type VaultServices } from '../services.js';
import { Vault } from '../vault/vault.js';
import { blobsPath, databasePath } from '../vault/vault-paths.js';
import { openFollowedCopy } from './open-followed-copy.js';
import { SnapshotFollower, type AppliedSnapshot } from './snapshot-follower.js';
import { countingStore, noRequests, recordingLogger } from './test-support/counting-store.js';

const SCRYPT = { logN: 15, r: 8, p: 1 };
let server: S3rverProcess;
/** Everything a test made on disk, under one folder removed at the end. */
let scratch: string;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'aw-follow-'));
  server = await startS3rver();
}, 30_000);
afterAll(async () => {
  await stopS3rver(server);
  await rm(scratch, { recursive: true, force: true });
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const tempDir = (label: string): Promise<string> => mkdtemp(join(scratch, `${label}-`));

interface Primary {
  clock: ManualClock;
  vault: Vault;
  services: VaultServices;
  backups: BackupService;
  prefix: string;
}

async function primary(prefix: string): Promise<Primary> {
  const root = await tempDir('primary');
  const clock = new ManualClock(T0);
  const { vault } = await Vault.create(join(root, 'vault'), TEST_PASSWORD, {
    clock,
    scrypt: SCRYPT,
    marks: new FileKeyStore(join(root, 'keys')),
  });
  closers.push(() => (vault.db.sqlite.open ? vault.close() : undefined));
  const services = createVaultServices(vault, clock);
  initializeVaultContent(services);
  const backups = new BackupService(services, s3ObjectStores);
  backups.setTarget(server.target(prefix));
  // Enough rows for a database of several 64 KiB chunks.
  for (let i = 0; i < 12; i++)
    services.messages.create({ title: `letter ${i}`, body: randomBytes(8_000).toString('hex') });
  return { clock, vault, services, backups, prefix };
}

async function addAttachment(p: Primary, size = 300_000): Promise<{ messageId: string; bytes: Uint8Array }> {
  const bytes = new Uint8Array(randomBytes(size));
  const staged = await p.services.messages.attachments.stage(bytesOf(bytes), 'file.bin');
  const recipient = p.services.recipients.add({ name: 'Anna', type: 'email', contact: 'anna@example.org' });
  const messageId = p.services.messages.create({
    title: 'with a file',
    body: 'see attached',
    recipientIds: [recipient.id],
    attachments: [staged],
  });
  return { messageId, bytes };
}

/** A standby: its own folder and key store, the vault key from "pairing". */
async function standby(p: Primary) {
  const root = await tempDir('standby');
  const store = countingStore(new S3ObjectStore(server.target(p.prefix)));
  closers.push(() => store.close?.());
  const swaps: AppliedSnapshot[] = [];
  const vaultKey = new Uint8Array(p.vault.contentKey.key);
  const deps = {
    store,
    vaultKey,
    vaultId: p.vault.vaultId,
    dir: join(root, 'copy'),
    clock: new ManualClock(T0 + 3_600_000),
    logger: recordingLogger(),
    marks: new FileKeyStore(join(root, 'keys')),
  };
  const follower = new SnapshotFollower(deps);
  follower.on('swapped', (applied) => swaps.push(applied));
  return { root, store, follower, swaps, deps, vaultKey };
}

/** Shard ids of each snapshot's database, newest last. */
async function databaseShards(p: Primary): Promise<string[][]> {
  const store = new S3ObjectStore(server.target(p.prefix));
  try {
    const access = await openBucket(store, { vaultKey: p.vault.contentKey.key });
    const chain = await readChain(store, access.keys, access.vaultId, null);
    return chain.map((s) => s.manifest.database.shards);
  } finally {
    store.close();
  }
}

const newShards = (before: string[], after: string[]): string[] => [
  ...new Set(after.filter((id) => !before.includes(id))),
];
const sha = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/** What the standby would show and take over: plans, their state, the outbox and its receipts, the messages. */
function scheduleOf(services: VaultServices) {
  const { sqlite } = services.vault.db;
  return {
    planState: sqlite.prepare('SELECT * FROM plan_state ORDER BY plan_id').all(),
    outbox: sqlite.prepare('SELECT * FROM outbox ORDER BY id').all(),
    plans: services.plans.list(),
    messages: services.messages.list(),
  };
}

async function copyOf(s: Awaited<ReturnType<typeof standby>>) {
  const copy = await openFollowedCopy(s.deps.dir, s.vaultKey, { clock: s.deps.clock });
  closers.push(() => copy.close());
  return copy;
}

describe('following a vault through its backups on a real S3 server', { timeout: 120_000 }, () => {
  it('the first sync equals a restore of the snapshot, unsettled: the same plan states and outbox receipts as the primary, read-only', async () => {
    const p = await primary('follow-first');
    const { messageId, bytes } = await addAttachment(p);
    // A warning issued: the plan moves on and the outbox holds rows with their receipts.
    const engine = createEngine(p.services, { clock: p.clock });
    closers.push(() => engine.close());
    for (let i = 0; i < 4; i++) {
      await engine.runOnce('test');
      p.clock.advance(40 * 24 * 3_600_000);
    }
    const pushed = await p.backups.now();
    const s = await standby(p);
    expect(s.follower.appliedSeq).toBeNull();
    const result = await s.follower.syncToLatest();
    expect(result).toMatchObject({ swapped: true, shardsReused: 0, blobsDownloaded: 1 });
    expect(s.follower.appliedSeq).toBe(1);
    expect(s.follower.appliedSnapshotId).toBe(pushed.snapshotId);
    expect(s.follower.appliedAt).toBe(p.clock.now());
    expect(s.swaps.map((a) => a.seq)).toEqual([1]);

    const copy = await copyOf(s);
    const source = scheduleOf(p.services);
    expect(source.outbox.length).toBeGreaterThan(0);
    expect(scheduleOf(copy.services)).toEqual(source);
    expect(Buffer.compare(await readAllOf(copy.services, messageId), Buffer.from(bytes))).toBe(0);
    expect(() => copy.services.messages.create({ title: 'no', body: 'no' })).toThrow(/readonly|read-only/i);

    // A restore of the same snapshot: the same messages and the same blob files, but settled (paused).
    const restoredDir = join(await tempDir('restored'), 'vault');
    const restoreStore = new S3ObjectStore(server.target(p.prefix));
    closers.push(() => restoreStore.close());
    const clock = new ManualClock(T0);
    await restoreVault({ store: restoreStore, vaultDir: restoredDir, vaultKey: s.vaultKey, deps: { clock } });
    const restored = await Vault.open(restoredDir, { clock });
    closers.push(() => restored.close());
    restored.unlockWithVaultKey(s.vaultKey);
    const restoredServices = createVaultServices(restored, clock);
    expect(restoredServices.messages.list()).toEqual(copy.services.messages.list());
    const blobs = await readdir(blobsPath(s.deps.dir));
    expect(blobs.sort()).toEqual((await readdir(blobsPath(restoredDir))).sort());
    for (const name of blobs)
      expect(await sha(join(blobsPath(s.deps.dir), name))).toBe(await sha(join(blobsPath(restoredDir), name)));
    const states = (restored.db.sqlite.prepare('SELECT state FROM plan_state').all() as { state: string }[]).map(
      (r) => r.state,
    );
    expect(states.every((state) => state === 'paused')).toBe(true);
    expect(
      (copy.vault.db.sqlite.prepare('SELECT state FROM plan_state').all() as { state: string }[]).map((r) => r.state),
    ).not.toEqual(states);
  });

  it('after an edit only the changed shards are downloaded, after an attachment only its shards too; an idle poll downloads nothing', async () => {
    const p = await primary('follow-incremental');
    await p.backups.now();
    const s = await standby(p);
    await s.follower.syncToLatest();

    p.services.messages.create({ title: 'a new letter', body: 'a few words' });
    await p.backups.now();
    s.store.counts = noRequests();
    const edited = await s.follower.syncToLatest();
    const [first, second] = await databaseShards(p);
    const changed = newShards(first!, second!);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(second!.length);
    expect(s.store.counts.shardGets.sort()).toEqual(changed.sort());
    expect(edited).toMatchObject({ swapped: true, shardsDownloaded: changed.length, blobsDownloaded: 0 });
    expect(edited.shardsReused).toBe(second!.length - changed.length);
    let copy = await copyOf(s);
    expect(scheduleOf(copy.services)).toEqual(scheduleOf(p.services));
    await copy.close();

    const { messageId, bytes } = await addAttachment(p, 5 * 1024 * 1024);
    await p.backups.now();
    s.store.counts = noRequests();
    const attached = await s.follower.syncToLatest();
    const third = (await databaseShards(p))[2]!;
    const blobShards = 2; // 5 MiB in 4 MiB shards
    expect(s.store.counts.shardGets.length).toBe(newShards(second!, third).length + blobShards);
    expect(attached).toMatchObject({ swapped: true, blobsDownloaded: 1 });
    copy = await copyOf(s);
    expect(Buffer.compare(await readAllOf(copy.services, messageId), Buffer.from(bytes))).toBe(0);
    expect(scheduleOf(copy.services)).toEqual(scheduleOf(p.services));

    // Nothing new: one listing of the manifests and the newest one read again, nothing else.
    s.store.counts = noRequests();
    const idle = await s.follower.syncToLatest();
    expect(idle).toMatchObject({ swapped: false, shardsDownloaded: 0 });
    expect(s.store.counts).toEqual({ ...noRequests(), list: 1, get: 1 });
    expect(s.swaps.map((a) => a.seq)).toEqual([1, 2, 3]);

    // The message deleted on the primary: its blob leaves the copy after the next swap.
    await p.services.messages.remove(messageId);
    await p.backups.now();
    const removed = await s.follower.syncToLatest();
    expect(removed).toMatchObject({ swapped: true, blobsRemoved: 1 });
    expect(await readdir(blobsPath(s.deps.dir))).toEqual([]);
  });

  it('a rolled-back bucket (newest deleted, or an older manifest put in its place) and a tampered shard are refused by name; the copy stays as it was', async () => {
    const p = await primary('follow-refused');
    await p.backups.now();
    p.services.messages.create({ title: 'second', body: 'second' });
    await p.backups.now();
    const s = await standby(p);
    await s.follower.syncToLatest();
    const before = await sha(databasePath(s.deps.dir));
    const bucket = new S3ObjectStore(server.target(p.prefix));
    closers.push(() => bucket.close());
    const stays = async (): Promise<void> => {
      expect(await sha(databasePath(s.deps.dir))).toBe(before);
      expect(s.follower.appliedSeq).toBe(2);
      expect((await readdir(s.deps.dir)).filter((name) => name.startsWith('.follow-'))).toEqual([]);
    };

    const second = (await bucket.get(manifestKey(2)))!;
    await bucket.put(manifestKey(2), (await bucket.get(manifestKey(1)))!);
    await expect(s.follower.syncToLatest()).rejects.toMatchObject({ problem: 'manifest' });
    await stays();
    await bucket.delete(manifestKey(2));
    await expect(s.follower.syncToLatest()).rejects.toMatchObject({
      problem: 'rollback',
      message: expect.stringMatching(/rolled back/),
    });
    await stays();
    // A new follower on the same machine (same marks) refuses it too.
    const again = new SnapshotFollower({ ...s.deps });
    await expect(again.syncToLatest()).rejects.toMatchObject({ problem: 'rollback' });
    await bucket.put(manifestKey(2), second);

    p.services.messages.create({ title: 'third', body: 'third' });
    await p.backups.now();
    const [, old, next] = await databaseShards(p);
    const target = newShards(old!, next!)[0]!;
    const file = server.objectFile(`${p.prefix}/shards/${target}`);
    const bytes = await readFile(file);
    bytes[bytes.length - 20]! ^= 0xff;
    await writeFile(file, bytes);
    await expect(s.follower.syncToLatest()).rejects.toMatchObject({
      problem: 'shard',
      message: expect.stringContaining(target),
    });
    await stays();
  });
});

async function readAllOf(services: VaultServices, messageId: string): Promise<Buffer> {
  const attachmentId = services.messages.get(messageId).attachments[0]!.id;
  const parts: Uint8Array[] = [];
  for await (const part of services.messages.attachments.read(attachmentId)) parts.push(part);
  return Buffer.concat(parts);
}
