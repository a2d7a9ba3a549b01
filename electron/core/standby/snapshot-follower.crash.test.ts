// A sync killed (SIGKILL) at several points leaves the old copy or the new one, never a mix, and
// the next sync converges: a child process follows the bucket, slowed down, and is killed after
// a given number of shard downloads, or right after it reports the swap.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.js';
import { bytesOf, T0, TEST_PASSWORD } from '../test-support/vault-fixture.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { BackupService } from '../backup/backup-service.js';
import { initializeVaultContent } from '../engine.js';
import { createVaultServices } from '../services.js';
import { Vault } from '../vault/vault.js';
import { blobsPath, databasePath } from '../vault/vault-paths.js';
import { openFollowedCopy } from './open-followed-copy.js';
import { SnapshotFollower, type FollowResult } from './snapshot-follower.js';
import { recordingLogger } from './test-support/counting-store.js';
import { bundleTestScripts } from '../../apps/cli/test-support/test-script.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '../../..');
/** The child as JavaScript, bundled once (`--import tsx` cost each child more than its own work). */
const followChild = (): string => bundleTestScripts(['core/standby/test-support/follow-child.ts'])[0]!;
const PREFIX = 'follow-crash';

let server: S3rverProcess;
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'aw-follow-crash-'));
  server = await startS3rver();
}, 30_000);
afterAll(async () => {
  await stopS3rver(server);
  await rm(scratch, { recursive: true, force: true });
});

const sha = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

interface Side {
  dir: string;
  marks: string;
}

function follower(side: Side, vaultKey: Uint8Array, vaultId: string): { follower: SnapshotFollower; close(): void } {
  const store = new S3ObjectStore(server.target(PREFIX));
  const f = new SnapshotFollower({
    store,
    vaultKey,
    vaultId,
    dir: side.dir,
    clock: new ManualClock(T0),
    logger: recordingLogger(),
    marks: new FileKeyStore(side.marks),
  });
  return { follower: f, close: () => store.close() };
}

async function syncOnce(side: Side, vaultKey: Uint8Array, vaultId: string): Promise<FollowResult> {
  const f = follower(side, vaultKey, vaultId);
  try {
    return await f.follower.syncToLatest();
  } finally {
    f.close();
  }
}

/** Runs the child on `side` and kills it after `shards` shard downloads (or at SWAPPED when null). */
function killedSync(
  side: Side,
  vaultKey: Uint8Array,
  vaultId: string,
  killAfter: number | null,
): Promise<{ lines: string[] }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [followChild()], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        FOLLOW_TARGET: JSON.stringify(server.target(PREFIX)),
        FOLLOW_DIR: side.dir,
        FOLLOW_KEY: Buffer.from(vaultKey).toString('hex'),
        FOLLOW_VAULT: vaultId,
        FOLLOW_MARKS: side.marks,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let shards = 0;
    let stderr = '';
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Whole lines only: one cut by the kill is no report.
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line === 'SHARD') shards += 1;
      const due = killAfter === null ? line === 'SWAPPED' : line === 'SHARD' && shards === killAfter;
      if (due) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (signal !== 'SIGKILL') reject(new Error(`the child was not killed (exit ${code}): ${stderr}`));
      else resolvePromise({ lines });
    });
  });
}

describe('a follower killed in the middle of a sync', { timeout: 300_000 }, () => {
  it('leaves the old copy or the new one whole, never a mix, and the next sync converges', async () => {
    const root = await mkdtemp(join(scratch, 'primary-'));
    const clock = new ManualClock(T0);
    const { vault } = await Vault.create(join(root, 'vault'), TEST_PASSWORD, {
      clock,
      scrypt: { logN: 15, r: 8, p: 1 },
    });
    const services = createVaultServices(vault, clock);
    initializeVaultContent(services);
    const backups = new BackupService(services, s3ObjectStores);
    backups.setTarget(server.target(PREFIX));
    const letter = (i: number): string =>
      services.messages.create({ title: `letter ${i}`, body: randomBytes(8_000).toString('hex') });
    for (let i = 0; i < 6; i++) letter(i);
    const doomed = await services.messages.attachments.stage(bytesOf(new Uint8Array(randomBytes(100_000))), 'old.bin');
    const doomedMessage = services.messages.create({ title: 'old file', body: 'x', attachments: [doomed] });
    await backups.now();
    const vaultKey = new Uint8Array(vault.contentKey.key);
    const { vaultId } = vault;

    const template: Side = { dir: join(scratch, 'template', 'copy'), marks: join(scratch, 'template', 'keys') };
    await syncOnce(template, vaultKey, vaultId);
    const oldSha = await sha(databasePath(template.dir));

    // The next snapshot changes several chunks, adds an attachment and drops one.
    for (let i = 6; i < 12; i++) letter(i);
    const added = await services.messages.attachments.stage(bytesOf(new Uint8Array(randomBytes(200_000))), 'new.bin');
    services.messages.create({ title: 'new file', body: 'y', attachments: [added] });
    await services.messages.remove(doomedMessage);
    await backups.now();
    const reference: Side = { dir: join(scratch, 'reference', 'copy'), marks: join(scratch, 'reference', 'keys') };
    await cp(join(scratch, 'template'), join(scratch, 'reference'), { recursive: true });
    const { shardsDownloaded } = await syncOnce(reference, vaultKey, vaultId);
    const newSha = await sha(databasePath(reference.dir));
    expect(newSha).not.toBe(oldSha);

    const outcomes: string[] = [];
    // Killed after each shard download in turn (database shards and attachment shards), and at the swap.
    const killPoints = [...Array.from({ length: shardsDownloaded }, (_, i) => i + 1), null];
    for (const killAfter of killPoints) {
      const round = join(scratch, `round-${killAfter ?? 'swapped'}`);
      await cp(join(scratch, 'template'), round, { recursive: true });
      const side: Side = { dir: join(round, 'copy'), marks: join(round, 'keys') };
      await killedSync(side, vaultKey, vaultId, killAfter);
      const found = await sha(databasePath(side.dir));
      expect([oldSha, newSha]).toContain(found);
      outcomes.push(`${killAfter ?? 'at swap'}: ${found === oldSha ? 'old' : 'new'}`);
      // Whole: the copy opens, and every attachment it names is there and opens.
      const copy = await openFollowedCopy(side.dir, vaultKey, { clock });
      try {
        for (const message of copy.services.messages.list().items) {
          for (const attachment of copy.services.messages.get(message.id).attachments)
            for await (const part of copy.services.messages.attachments.read(attachment.id)) void part;
        }
      } finally {
        await copy.close();
      }
      await syncOnce(side, vaultKey, vaultId);
      expect(await sha(databasePath(side.dir))).toBe(newSha);
      expect((await readdir(blobsPath(side.dir))).sort()).toEqual((await readdir(blobsPath(reference.dir))).sort());
      expect((await readdir(side.dir)).filter((name) => name.startsWith('.follow-'))).toEqual([]);
    }
    // Killed before the swap the old copy stays; killed after it, the new one is in place.
    expect(outcomes[0]).toBe('1: old');
    expect(outcomes.at(-1)).toBe('at swap: new');
    await vault.close();
  });
});
