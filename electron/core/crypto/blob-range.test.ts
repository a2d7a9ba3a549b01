import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBlobChunks } from './blob-range.js';
import { writeEncryptedBlobFile } from './blob-stream.js';
import { BLOB_CHUNK_BYTES, BLOB_HEADER_BYTES } from './blob-format.js';
import { BlobChunkTamperedError } from './crypto-errors.js';

const key = { id: new Uint8Array(randomBytes(8)), key: new Uint8Array(randomBytes(32)) };
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afterword-range-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function blob(size: number, id: string): Promise<{ path: string; plain: Uint8Array }> {
  const plain = new Uint8Array(randomBytes(size));
  const path = join(dir, id);
  await writeEncryptedBlobFile(
    path,
    (async function* () {
      yield plain;
    })(),
    { key, blobId: id },
  );
  return { path, plain };
}

describe('readBlobChunks', () => {
  it.each([0, 1, BLOB_CHUNK_BYTES, BLOB_CHUNK_BYTES * 4 + 17])(
    'returns any range of a %i-byte blob, verified',
    async (size) => {
      const id = `att_range${size}`;
      const { path, plain } = await blob(size, id);
      const chunks = Math.max(1, Math.ceil(size / BLOB_CHUNK_BYTES));
      for (let first = 0; first < chunks; first++) {
        for (const count of [1, 2, 8]) {
          const got = await readBlobChunks(path, { key, blobId: id, plaintextSize: size }, first, count);
          const from = first * BLOB_CHUNK_BYTES;
          expect(
            Buffer.from(got).equals(Buffer.from(plain.subarray(from, Math.min(size, from + count * BLOB_CHUNK_BYTES)))),
          ).toBe(true);
        }
      }
      expect((await readBlobChunks(path, { key, blobId: id, plaintextSize: size }, chunks + 3, 1)).length).toBe(0);
    },
  );

  it('detects a flipped byte, and a lie about the size (last-chunk flag)', async () => {
    const id = 'att_rangeflip';
    const { path } = await blob(BLOB_CHUNK_BYTES * 2 + 5, id);
    await expect(
      readBlobChunks(path, { key, blobId: id, plaintextSize: BLOB_CHUNK_BYTES * 2 }, 1, 1),
    ).rejects.toBeInstanceOf(BlobChunkTamperedError);
    const bytes = await readFile(path);
    bytes[BLOB_HEADER_BYTES + 10]! ^= 1;
    await writeFile(path, bytes);
    await expect(
      readBlobChunks(path, { key, blobId: id, plaintextSize: BLOB_CHUNK_BYTES * 2 + 5 }, 0, 1),
    ).rejects.toBeInstanceOf(BlobChunkTamperedError);
  });
});
