// backup.exportBegin / exportChunk / exportCancel through the router, against a real vault: the
// chunks make the age file the package opens; the waiting file (ciphertext, 0600, in the vault's
// folder) goes after the last chunk, on cancel, on lock and after ten minutes unused.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ATTACHMENT_CHUNK_BYTES, type MethodName } from '../../../shared/contract/methods.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { decryptWithPackage, expectExportMatchesVault, untar } from '../test-support/age-export.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { findMarker } from '../test-support/marker-scan.js';
import { AppCore } from './app-core.js';
import { EXPORT_IDLE_MS, EXPORTS_FOLDER } from './exports.js';
import { createRouter } from './router.js';
import type { Caller } from './router-types.js';

const PASSWORD = 'correct horse battery';
const owner: Caller = { role: 'owner', transport: 'test' };
const marker = `MARKER-${randomBytes(8).toString('hex')}`;

let root: string;
let app: AppCore;
let clock: ManualClock;
let call: (method: MethodName, input: unknown, caller?: Caller) => Promise<unknown>;
let reply: (method: MethodName, input: unknown, caller?: Caller) => Promise<{ ok: boolean; code?: string }>;

/** The app over this test's vault folder (a process started on it). */
const appOnVault = (): AppCore =>
  new AppCore({
    vaultDir: join(root, 'vault'),
    clock,
    keyStore: new FileKeyStore(join(root, 'keys')),
    scrypt: { logN: 15, r: 8, p: 1 },
  });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'afterword-exports-'));
  clock = new ManualClock(Date.UTC(2027, 0, 1));
  app = appOnVault();
  await app.create(PASSWORD);
  const router = createRouter(app, { validateOutput: true });
  reply = async (method, input, caller = owner) => (await router.call(method, input, caller)) as never;
  call = async (method, input, caller = owner) => {
    const r = await router.call(method, input, caller);
    if (!r.ok) throw new Error(`${method}: ${r.code} ${r.message}`);
    return r.data;
  };
  const services = app.unlockedServices();
  const staged = await services.messages.attachments.stage(
    (async function* () {
      yield randomBytes(600_000); // a few chunks of the export
      yield Buffer.from(marker);
    })(),
    'letter.bin',
  );
  services.messages.create({ title: 'For Ann', body: `Dear Ann, ${marker}`, attachments: [staged] });
});

afterEach(async () => {
  await app.close();
  await rm(root, { recursive: true, force: true });
});

const exportsDir = (): string => join(root, 'vault', EXPORTS_FOLDER);
const waitingFiles = async (): Promise<string[]> => readdir(exportsDir()).catch(() => []);

interface Ready {
  exportId: string;
  fileName: string;
  size: number;
  chunkBytes: number;
}

async function fetchAll(ready: Ready): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let index = 0; ; index++) {
    const chunk = (await call('backup.exportChunk', { exportId: ready.exportId, index })) as {
      index: number;
      last: boolean;
      data: string;
    };
    expect(chunk.index).toBe(index);
    parts.push(Buffer.from(chunk.data, 'base64'));
    if (chunk.last) return Buffer.concat(parts);
  }
}

describe('the export through the contract', { timeout: 120_000 }, () => {
  it('writes the age file (0600, ciphertext only) in the vault folder, hands it out in chunks and deletes it after the last', async () => {
    const identity = await generateX25519Identity();
    const ready = (await call('backup.exportBegin', { recipient: await identityToRecipient(identity) })) as Ready;
    expect(ready.fileName).toBe('afterword-export-2027-01-01.tar.age');
    expect(ready.chunkBytes).toBe(ATTACHMENT_CHUNK_BYTES);
    const [waiting] = await waitingFiles();
    expect(waiting).toBe(`${ready.exportId}.age`);
    const info = await stat(join(exportsDir(), waiting!));
    expect(info.size).toBe(ready.size);
    expect(info.mode & 0o777).toBe(0o600);
    expect(await findMarker(root, marker)).toEqual([]);

    const bytes = await fetchAll(ready);
    expect(bytes.length).toBe(ready.size);
    expect(await waitingFiles()).toEqual([]);
    expect(await reply('backup.exportChunk', { exportId: ready.exportId, index: 0 })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });

    const file = join(root, 'fetched.age');
    await writeFile(file, bytes);
    const files = await untar(await writeTar(await decryptWithPackage(file, { identity })), join(root, 'plain'));
    await expectExportMatchesVault(files, app.unlockedServices());
  });

  it('deletes the waiting file on cancel, on lock and after ten minutes unused', async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    const begin = async (): Promise<Ready> => (await call('backup.exportBegin', { recipient })) as Ready;

    const cancelled = await begin();
    await call('backup.exportCancel', { exportId: cancelled.exportId });
    expect(await waitingFiles()).toEqual([]);

    const idle = await begin();
    await call('backup.exportChunk', { exportId: idle.exportId, index: 0 });
    clock.advance(EXPORT_IDLE_MS - 60_000);
    await app.exports.sweep();
    expect(await waitingFiles()).toEqual([`${idle.exportId}.age`]); // still in use
    clock.advance(60_000);
    await app.exports.sweep();
    expect(await waitingFiles()).toEqual([]);
    expect(await reply('backup.exportChunk', { exportId: idle.exportId, index: 1 })).toMatchObject({
      code: 'NOT_FOUND',
    });

    await begin();
    app.lock();
    await app.exports.sweep(); // waits for the deletions the lock started
    expect(await waitingFiles()).toEqual([]);

    // Locked while it is being written: the export is dropped when done, never handed out.
    await call('vault.unlock', { password: PASSWORD });
    const store = app.unlockedServices().messages.attachments;
    const read = store.read.bind(store);
    store.read = async function* (id: string) {
      app.lock(); // halfway through the archive
      yield* read(id);
    };
    expect(await reply('backup.exportBegin', { recipient })).toMatchObject({ ok: false, code: 'VAULT_LOCKED' });
    store.read = read;
    await app.exports.sweep();
    expect(await waitingFiles()).toEqual([]);
  });

  it('deletes what a process left behind when the vault opens again, and a chunk asked for after a cancel is NOT_FOUND', async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    const ready = (await call('backup.exportBegin', { recipient })) as Ready;
    // A cancel (or the sweep, or a lock) deletes the file just as a chunk of it is read.
    await rm(join(exportsDir(), `${ready.exportId}.age`));
    expect(await reply('backup.exportChunk', { exportId: ready.exportId, index: 0 })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });

    // A process that ended before its export was fetched leaves the file; the next open deletes it
    // once nobody can be fetching it any more. A younger one may be another process's: it stays.
    const left = join(exportsDir(), 'exp_left.age');
    const young = join(exportsDir(), 'exp_young.age');
    await writeFile(left, randomBytes(64));
    await writeFile(young, randomBytes(64));
    const abandonedAt = new Date(Date.now() - EXPORT_IDLE_MS - 1000);
    await utimes(left, abandonedAt, abandonedAt);
    await app.close();
    app = appOnVault();
    await app.unlock(PASSWORD);
    await app.exports.sweep();
    expect(await waitingFiles()).toEqual(['exp_young.age']);
  });

  it('answers the owner only, and refuses a short passphrase or a malformed recipient', async () => {
    const stranger: Caller = { role: 'public', transport: 'test' };
    const monitor: Caller = { role: 'monitor', transport: 'test' };
    const input = { passphrase: 'a passphrase of several words' };
    expect(await reply('backup.exportBegin', input, stranger)).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await reply('backup.exportBegin', input, monitor)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await reply('backup.exportBegin', { passphrase: 'short' })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await reply('backup.exportBegin', { recipient: 'age1notakey' })).toMatchObject({ code: 'BAD_REQUEST' });
    const ready = (await call('backup.exportBegin', input)) as Ready;
    expect(await reply('backup.exportChunk', { exportId: ready.exportId, index: 0 }, monitor)).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await reply('backup.exportChunk', { exportId: ready.exportId, index: 99 })).toMatchObject({
      code: 'BAD_REQUEST',
    });
    app.lock();
    expect(await reply('backup.exportBegin', input)).toMatchObject({ ok: false, code: 'VAULT_LOCKED' });
  });
});

async function writeTar(bytes: Uint8Array): Promise<string> {
  const tar = join(root, 'export.tar');
  await writeFile(tar, bytes);
  return tar;
}
