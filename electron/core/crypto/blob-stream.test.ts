import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from './aead.js';
import { BLOB_HEADER_BYTES, BLOB_SEALED_CHUNK_BYTES, encryptedBlobSize } from './blob-format.js';
import {
  decryptBlobStream,
  encryptBlobStream,
  readEncryptedBlobFile,
  writeEncryptedBlobFile,
  type BlobStreamOptions,
} from './blob-stream.js';
import { nobleChunkCipher, nodeChunkCipher } from './chunk-cipher.js';
import { BlobChunkTamperedError, BlobExtendedError, BlobHeaderError, BlobTruncatedError } from './crypto-errors.js';
import type { ContentKey } from './envelope.js';
import { IntegrityError } from '../errors.js';

const CHUNK = 65536;
const newKey = (): ContentKey => ({ id: randomBytes(8), key: randomBytes(32) });

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afterword-blob-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Yields `data` in pieces whose sizes come from `nextSize` (0 = an empty piece, allowed). */
async function* pieces(data: Uint8Array, nextSize: () => number): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let empties = 0;
  while (offset < data.length) {
    let size = nextSize();
    if (size === 0 && ++empties % 4 === 0) size = 1; // never loop on empty pieces forever
    yield data.subarray(offset, offset + size);
    offset += size;
  }
}

/** Deterministic piece sizes: a third empty, the rest 1..100000 bytes. */
function randomSizes(seed: number, max = 100_000): () => number {
  const sizes = fc.sample(fc.oneof(fc.constant(0), fc.integer({ min: 1, max }), fc.integer({ min: 1, max })), {
    seed,
    numRuns: 1000,
  });
  let i = 0;
  return () => sizes[i++ % sizes.length] ?? 1;
}

async function* once(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield data;
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return new Uint8Array(Buffer.concat(parts));
}

/** Fast byte equality (vitest's deep toEqual is slow on large typed arrays). */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected)).toBe(true);
}

async function readError(path: string, opts: BlobStreamOptions): Promise<unknown> {
  try {
    await collect(readEncryptedBlobFile(path, opts));
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A 3-chunk blob (2 full chunks + 5 bytes) written to disk; returns its path and bytes. */
async function sampleBlob(
  opts: BlobStreamOptions,
  size = 2 * CHUNK + 5,
): Promise<{ path: string; stored: Uint8Array }> {
  const path = join(dir, 'sample.blob');
  await writeEncryptedBlobFile(path, once(randomBytes(size)), opts);
  return { path, stored: new Uint8Array(await readFile(path)) };
}

describe('encrypted blob streams', () => {
  it.each([0, 1, 65535, 65536, 65537, 3 * 65536 + 5])('round-trips %i bytes through a file', async (size) => {
    const key = newKey();
    const opts = { key, blobId: `blob-${size}` };
    const plaintext = randomBytes(size);
    const path = join(dir, 'a.blob');
    const result = await writeEncryptedBlobFile(path, pieces(plaintext, randomSizes(size + 1)), opts);
    expect(result).toEqual({ plaintextSize: size, storedSize: encryptedBlobSize(size) });
    const stored = await readFile(path);
    expect(stored.length).toBe(result.storedSize);
    expect(stored.subarray(0, 4).toString('latin1')).toBe('AWB1');
    expectSameBytes(await collect(readEncryptedBlobFile(path, opts)), plaintext);
    // no temp file left behind
    expect(await readdir(dir)).toEqual(['a.blob']);
    // decrypting from tiny, odd-sized pieces gives the same result
    const small = randomSizes(size + 2, 1000);
    expectSameBytes(await collect(decryptBlobStream(pieces(new Uint8Array(stored), small), opts)), plaintext);
  });

  it('produces identical bytes with the node and noble ciphers given the same salt', async () => {
    const key = newKey();
    const salt = randomBytes(32);
    const plaintext = randomBytes(CHUNK + 777);
    const a = join(dir, 'node.blob');
    const b = join(dir, 'noble.blob');
    await writeEncryptedBlobFile(a, once(plaintext), { key, blobId: 'x', salt, cipher: nodeChunkCipher });
    await writeEncryptedBlobFile(b, once(plaintext), { key, blobId: 'x', salt, cipher: nobleChunkCipher });
    const bytesA = await readFile(a);
    expect(bytesA.equals(await readFile(b))).toBe(true);
    expect(bytesA.subarray(14, 46)).toEqual(Buffer.from(salt));
    expectSameBytes(await collect(readEncryptedBlobFile(a, { key, blobId: 'x', cipher: nobleChunkCipher })), plaintext);
    expectSameBytes(await collect(readEncryptedBlobFile(b, { key, blobId: 'x', cipher: nodeChunkCipher })), plaintext);
  });

  it('detects any flipped byte in the header, a chunk body or a tag, with a named error', async () => {
    const opts = { key: newKey(), blobId: 'flip' };
    const { path, stored } = await sampleBlob(opts);
    const chunkStart = (i: number): number => BLOB_HEADER_BYTES + i * BLOB_SEALED_CHUNK_BYTES;
    const positions = new Set<number>([
      ...Array.from({ length: BLOB_HEADER_BYTES }, (_, i) => i),
      ...[0, 1, 2].flatMap((c) => [chunkStart(c), chunkStart(c) + 3]),
      chunkStart(1) - 1, // last tag byte of chunk 0
      chunkStart(1) - 16, // first tag byte of chunk 0
      chunkStart(2) - 8,
      stored.length - 1,
      stored.length - 16,
      ...fc.sample(fc.integer({ min: BLOB_HEADER_BYTES, max: stored.length - 1 }), { seed: 7, numRuns: 20 }),
    ]);
    for (const pos of positions) {
      const bad = stored.slice();
      bad[pos] = (bad[pos] ?? 0) ^ 0x40;
      await writeFile(path, bad);
      const error = await readError(path, opts);
      if (pos < 14) {
        expect(error, `byte ${pos}`).toBeInstanceOf(BlobHeaderError);
      } else {
        const chunk = pos < BLOB_HEADER_BYTES ? 0 : Math.floor((pos - BLOB_HEADER_BYTES) / BLOB_SEALED_CHUNK_BYTES);
        expect(error, `byte ${pos}`).toBeInstanceOf(BlobChunkTamperedError);
        expect((error as BlobChunkTamperedError).chunkIndex).toBe(chunk);
        expect((error as Error).message).toContain(`chunk ${chunk}`);
      }
    }
  });

  it('rejects a blob whose final chunk was dropped, at a chunk boundary', async () => {
    for (const size of [2 * CHUNK + 5, 2 * CHUNK]) {
      const opts = { key: newKey(), blobId: `trunc-${size}` };
      const { path, stored } = await sampleBlob(opts, size);
      await writeFile(
        path,
        stored.subarray(
          0,
          BLOB_HEADER_BYTES + 2 * BLOB_SEALED_CHUNK_BYTES - (size % CHUNK === 0 ? BLOB_SEALED_CHUNK_BYTES : 0),
        ),
      );
      expect(await readError(path, opts)).toBeInstanceOf(BlobTruncatedError);
    }
  });

  it('rejects blobs cut anywhere else', async () => {
    const opts = { key: newKey(), blobId: 'cut' };
    const { path, stored } = await sampleBlob(opts);
    for (const cut of [
      0,
      3,
      BLOB_HEADER_BYTES - 1,
      BLOB_HEADER_BYTES,
      BLOB_HEADER_BYTES + 10,
      BLOB_HEADER_BYTES + 5000,
      BLOB_HEADER_BYTES + BLOB_SEALED_CHUNK_BYTES + 100,
      stored.length - 1,
    ]) {
      await writeFile(path, stored.subarray(0, cut));
      const error = await readError(path, opts);
      expect(error, `cut at ${cut}`).toBeInstanceOf(IntegrityError);
      expect(error instanceof BlobTruncatedError || error instanceof BlobChunkTamperedError, `cut at ${cut}`).toBe(
        true,
      );
    }
  });

  it('rejects swapped chunks as tampering', async () => {
    const opts = { key: newKey(), blobId: 'swap' };
    const { path, stored } = await sampleBlob(opts, 3 * CHUNK);
    const c = (i: number): Uint8Array =>
      stored.subarray(
        BLOB_HEADER_BYTES + i * BLOB_SEALED_CHUNK_BYTES,
        BLOB_HEADER_BYTES + (i + 1) * BLOB_SEALED_CHUNK_BYTES,
      );
    const header = stored.subarray(0, BLOB_HEADER_BYTES);
    await writeFile(path, Buffer.concat([header, c(1), c(0), c(2)]));
    const first = await readError(path, opts);
    expect(first).toBeInstanceOf(BlobChunkTamperedError);
    expect((first as BlobChunkTamperedError).chunkIndex).toBe(0);
    await writeFile(path, Buffer.concat([header, c(0), c(2), c(1)]));
    const second = await readError(path, opts);
    expect(second).toBeInstanceOf(BlobChunkTamperedError);
    expect((second as BlobChunkTamperedError).chunkIndex).toBe(1);
  });

  it('rejects bytes or a copied chunk appended after the final chunk', async () => {
    const opts = { key: newKey(), blobId: 'extend' };
    const { path, stored } = await sampleBlob(opts, 2 * CHUNK);
    const chunk0 = stored.subarray(BLOB_HEADER_BYTES, BLOB_HEADER_BYTES + BLOB_SEALED_CHUNK_BYTES);
    await writeFile(path, Buffer.concat([stored, chunk0]));
    expect(await readError(path, opts)).toBeInstanceOf(BlobExtendedError);
    await writeFile(path, Buffer.concat([stored, new Uint8Array([0])]));
    expect(await readError(path, opts)).toBeInstanceOf(BlobExtendedError);

    const short = await sampleBlob({ ...opts, blobId: 'extend2' }, CHUNK + 5);
    for (const extra of [new Uint8Array([0]), randomBytes(40), short.stored.subarray(BLOB_HEADER_BYTES)]) {
      await writeFile(short.path, Buffer.concat([short.stored, extra]));
      const error = await readError(short.path, { ...opts, blobId: 'extend2' });
      expect(error instanceof BlobExtendedError || error instanceof BlobChunkTamperedError).toBe(true);
    }
  });

  it('rejects the wrong blob id, key id or key', async () => {
    const key = newKey();
    const { path } = await sampleBlob({ key, blobId: 'right' }, 10);
    const wrongId = await readError(path, { key, blobId: 'wrong' });
    expect(wrongId).toBeInstanceOf(BlobChunkTamperedError);
    expect(await readError(path, { key: newKey(), blobId: 'right' })).toBeInstanceOf(BlobHeaderError);
    expect(await readError(path, { key: { id: key.id, key: randomBytes(32) }, blobId: 'right' })).toBeInstanceOf(
      BlobChunkTamperedError,
    );
  });

  it('releases its source when the consumer stops early', async () => {
    const opts = { key: newKey(), blobId: 'early' };
    const { stored } = await sampleBlob(opts);
    let released = false;
    async function* tracked(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < stored.length; i += 1000) yield stored.subarray(i, i + 1000);
      } finally {
        released = true;
      }
    }
    for await (const part of decryptBlobStream(tracked(), opts)) {
      expect(part.length).toBe(CHUNK);
      break;
    }
    expect(released).toBe(true);
  });

  it('removes the temp file when the source fails', async () => {
    const path = join(dir, 'failed.blob');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield randomBytes(200_000);
      throw new Error('disk unplugged');
    }
    await expect(writeEncryptedBlobFile(path, failing(), { key: newKey(), blobId: 'f' })).rejects.toThrow(
      'disk unplugged',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps memory flat for a 64 MiB blob', async () => {
    // Garbage the collector has not reached yet is not data the algorithm holds: force a GC
    // every few MiB so that rss reflects what is retained. Without it, V8 lets ~64 MiB of dead
    // 64 KiB buffers pile up before collecting, whatever the algorithm.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const total = 64 * 1024 * 1024;
    const block = randomBytes(1024 * 1024);
    async function* source(bytes: number): AsyncGenerator<Uint8Array> {
      let sent = 0;
      let step = 0;
      while (sent < bytes) {
        const size = Math.min(bytes - sent, [1000, 65536, 300_000, 1024 * 1024][step++ % 4] ?? 1000);
        const offset = sent % (block.length - size + 1);
        yield block.subarray(offset, offset + size);
        sent += size;
      }
    }
    const opts = { key: newKey(), blobId: 'big' };
    let received = 0;
    for await (const part of decryptBlobStream(encryptBlobStream(source(4 * CHUNK), opts), opts)) {
      received += part.length; // warm-up: JIT and first-use allocations are not the algorithm
    }
    expect(received).toBe(4 * CHUNK);
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    let n = 0;
    received = 0;
    for await (const part of decryptBlobStream(encryptBlobStream(source(total), opts), opts)) {
      received += part.length;
      if (++n % 64 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(received).toBe(total);
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);
  });
});
