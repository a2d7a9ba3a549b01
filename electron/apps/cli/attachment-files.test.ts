// The CLI's attachment files through the real router and core (a real vault in a temp folder):
// uploaded from disk in the contract's chunks, decrypted back to a file, and a damaged blob or a
// failed save leaves nothing behind.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_CHUNK_BYTES } from '../../../shared/contract/methods.js';
import { BLOB_CHUNK_BYTES, BLOB_HEADER_BYTES, BLOB_SEALED_CHUNK_BYTES } from '../../core/crypto/blob-format.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { ManualClock } from '../../core/test-support/manual-clock.js';
import { downloadTo, withUploadedFiles } from './attachment-files.js';
import type { Access } from './cli-core.js';
import { withCliRouter, type Rpc } from './cli-router.js';

const PASSWORD = 'correct horse battery staple';
let root = '';

function session<T>(access: Access, fn: (rpc: Rpc) => Promise<T>): Promise<T> {
  const vaultDir = join(root, 'vault');
  return withCliRouter(
    {
      core: { vaultDir, clock: new ManualClock(Date.UTC(2027, 0, 1)), scrypt: { logN: 15, r: 8, p: 1 } },
      keyStoreChoice: {
        store: new FileKeyStore(join(root, 'keys')),
        where: join(root, 'keys'),
        fallbackReason: 'test',
      },
      hasPasswordInEnv: true,
      password: async () => PASSWORD,
    },
    access,
    fn,
  );
}

const blobs = async (): Promise<string[]> => (await readdir(join(root, 'vault', 'blobs')).catch(() => [])).sort();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'afterword-cli-files-'));
  await session({ by: 'creating' }, (rpc) => rpc('vault.create', { password: PASSWORD }));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('attachment files through the router', () => {
  it('uploads a file of several chunks and writes it back byte for byte, 0600, never over an existing file', async () => {
    const content = randomBytes(ATTACHMENT_CHUNK_BYTES * 2 + 1234);
    const file = join(root, 'photo.bin');
    await writeFile(file, content);
    const out = join(root, 'back.bin');
    const existing = join(root, 'existing.bin');
    await writeFile(existing, 'precious');
    const info = await session({ by: 'password' }, async (rpc) => {
      const { id } = await withUploadedFiles(rpc, [file], (uploadIds) =>
        rpc('messages.create', { title: 'With a photo', body: 'b', uploadIds }),
      );
      const [attachment] = (await rpc('messages.get', { id })).attachments;
      await expect(downloadTo(rpc, id, attachment!.id, existing, false)).rejects.toMatchObject({ code: 'CONFLICT' });
      return downloadTo(rpc, id, attachment!.id, out, false);
    });
    expect(info).toMatchObject({ name: 'photo.bin', size: content.length, mediaType: expect.any(String) });
    expect((await readFile(out)).equals(content)).toBe(true);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(await readFile(existing, 'utf8')).toBe('precious');
  });

  it('a message that cannot be saved leaves no encrypted blob of its files', async () => {
    const before = await blobs();
    const file = join(root, 'letter.txt');
    await writeFile(file, 'attached '.repeat(1000));
    await expect(
      session({ by: 'password' }, (rpc) =>
        withUploadedFiles(rpc, [file], (uploadIds) =>
          rpc('messages.create', { title: 'x', body: 'b', recipientIds: ['rcp_0000000000000000'], uploadIds }),
        ),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await blobs()).toEqual(before);
  });

  it('a tampered blob is refused and leaves no file behind', async () => {
    const file = join(root, 'big.bin');
    await writeFile(file, randomBytes(ATTACHMENT_CHUNK_BYTES * 3));
    const { id, attachmentId } = await session({ by: 'password' }, async (rpc) => {
      const created = await withUploadedFiles(rpc, [file], (uploadIds) =>
        rpc('messages.create', { title: 'Big', body: 'b', uploadIds }),
      );
      return { id: created.id, attachmentId: (await rpc('messages.get', { id: created.id })).attachments[0]!.id };
    });
    const blob = join(root, 'vault', 'blobs', attachmentId);
    const bytes = await readFile(blob);
    // A chunk of the second piece the CLI downloads: the first piece is written to disk already.
    const chunk = ATTACHMENT_CHUNK_BYTES / BLOB_CHUNK_BYTES + 1;
    bytes[BLOB_HEADER_BYTES + chunk * BLOB_SEALED_CHUNK_BYTES + 7]! ^= 0x40;
    await writeFile(blob, bytes);
    const out = join(root, 'tampered.bin');
    await expect(
      session({ by: 'password' }, (rpc) => downloadTo(rpc, id, attachmentId, out, false)),
    ).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect((await readdir(root)).filter((name) => name.startsWith('tampered.bin'))).toEqual([]);
  });
});
