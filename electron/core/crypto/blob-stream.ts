/**
 * Streaming encryption of attachments (format: see blob-format.ts). Memory stays flat whatever
 * the blob size: one plaintext chunk, one sealed chunk and one source piece of lookahead.
 *
 * Decryption yields each plaintext chunk as soon as it verifies. A truncated or tampered blob is
 * only detected when its bad chunk is reached, so consumers must treat what they received as
 * unusable unless the generator completes without throwing (write to a temp file, then commit).
 */
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import { randomBytes } from './aead.js';
import {
  BLOB_CHUNK_BYTES,
  BLOB_HEADER_BYTES,
  BLOB_SALT_BYTES,
  BLOB_SEALED_CHUNK_BYTES,
  BLOB_TAG_BYTES,
  chunkNonce,
  deriveBlobKey,
  encodeBlobHeader,
  parseBlobHeader,
} from './blob-format.js';
import { ByteReader } from './byte-reader.js';
import { defaultChunkCipher, type ChunkCipher } from './chunk-cipher.js';
import { AeadAuthError, BlobChunkTamperedError, BlobExtendedError, BlobTruncatedError } from './crypto-errors.js';
import { assertContentKey, type ContentKey } from './envelope.js';

export interface BlobStreamOptions {
  key: ContentKey;
  blobId: string;
  /** Defaults to defaultChunkCipher(). */
  cipher?: ChunkCipher;
}

export interface BlobEncryptOptions extends BlobStreamOptions {
  /** Tests only: a fixed 32-byte salt instead of a random one. */
  salt?: Uint8Array;
}

/** Yields the 46-byte header, then the sealed chunks. Re-chunks any input piece sizes. */
export async function* encryptBlobStream(
  source: AsyncIterable<Uint8Array>,
  opts: BlobEncryptOptions,
): AsyncGenerator<Uint8Array> {
  assertContentKey(opts.key);
  const cipher = opts.cipher ?? defaultChunkCipher();
  const salt = opts.salt ?? randomBytes(BLOB_SALT_BYTES);
  const header = encodeBlobHeader(opts.key.id, salt);
  const blobKey = deriveBlobKey(opts.key.key, salt, opts.blobId);
  const reader = new ByteReader(source);
  try {
    yield header.slice();
    for (let index = 0; ; index++) {
      // Sealed before the next read, so a zero-copy view of the source is safe here.
      const plaintext = await reader.readTransient(BLOB_CHUNK_BYTES);
      const last = await reader.atEnd();
      const nonce = chunkNonce(index, last);
      if (cipher.sealParts) yield* cipher.sealParts(blobKey, nonce, plaintext, header);
      else yield cipher.seal(blobKey, nonce, plaintext, header);
      if (last) return;
    }
  } finally {
    blobKey.fill(0);
    await reader.close();
  }
}

/** Opens `sealed` as chunk `index` with the given last flag; null if it does not verify. */
function tryOpen(
  cipher: ChunkCipher,
  key: Uint8Array,
  index: number,
  last: boolean,
  sealed: Uint8Array,
  header: Uint8Array,
): Uint8Array | null {
  try {
    return cipher.open(key, chunkNonce(index, last), sealed, header);
  } catch (error) {
    if (error instanceof AeadAuthError) return null;
    throw error;
  }
}

/**
 * Verifies and decrypts a blob, yielding plaintext chunks as they verify. Throws BlobHeaderError,
 * BlobChunkTamperedError, BlobTruncatedError or BlobExtendedError.
 */
export async function* decryptBlobStream(
  source: AsyncIterable<Uint8Array>,
  opts: BlobStreamOptions,
): AsyncGenerator<Uint8Array> {
  assertContentKey(opts.key);
  const { blobId } = opts;
  const cipher = opts.cipher ?? defaultChunkCipher();
  const reader = new ByteReader(source);
  let blobKey: Uint8Array | undefined;
  try {
    const header = await reader.read(BLOB_HEADER_BYTES);
    if (header.length < BLOB_HEADER_BYTES) {
      throw new BlobTruncatedError(blobId, `it ends inside the ${BLOB_HEADER_BYTES}-byte header`);
    }
    const salt = parseBlobHeader(header, opts.key.id, blobId);
    blobKey = deriveBlobKey(opts.key.key, salt, blobId);
    for (let index = 0; ; index++) {
      const sealed = await reader.read(BLOB_SEALED_CHUNK_BYTES);
      const atEnd = await reader.atEnd();
      if (!atEnd) {
        // A full-size chunk with bytes after it: it must be a non-final chunk.
        const plaintext = tryOpen(cipher, blobKey, index, false, sealed, header);
        if (plaintext !== null) {
          yield plaintext;
          continue;
        }
        if (tryOpen(cipher, blobKey, index, true, sealed, header) !== null) {
          throw new BlobExtendedError(blobId, `bytes follow final chunk ${index}`);
        }
        throw new BlobChunkTamperedError(blobId, index);
      }
      if (sealed.length < BLOB_TAG_BYTES) {
        throw new BlobTruncatedError(
          blobId,
          // Empty only right after the header: a non-final chunk is always followed by a byte.
          sealed.length === 0 ? 'it has a header but no chunks' : `it ends inside chunk ${index}`,
        );
      }
      const plaintext = tryOpen(cipher, blobKey, index, true, sealed, header);
      if (plaintext !== null) {
        yield plaintext;
        return;
      }
      if (tryOpen(cipher, blobKey, index, false, sealed, header) !== null) {
        throw new BlobTruncatedError(blobId, `it ends after chunk ${index}, which is not the final chunk`);
      }
      throw new BlobChunkTamperedError(blobId, index, 'it was modified, cut short, or belongs to another blob');
    }
  } finally {
    blobKey?.fill(0);
    await reader.close();
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync on Windows
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Encrypts `source` into `path` atomically: writes `${path}.tmp-<random>`, fsyncs it, renames
 * it over `path`, fsyncs the directory. The temp file is removed if anything fails.
 */
export async function writeEncryptedBlobFile(
  path: string,
  source: AsyncIterable<Uint8Array>,
  opts: BlobEncryptOptions,
): Promise<{ plaintextSize: number; storedSize: number }> {
  const tmp = `${path}.tmp-${bytesToHex(randomBytes(8))}`;
  let plaintextSize = 0;
  let storedSize = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const piece of source) {
      plaintextSize += piece.length;
      yield piece;
    }
  }
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      for await (const sealed of encryptBlobStream(counted(), opts)) {
        await writeAll(handle, sealed);
        storedSize += sealed.length;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(dirname(path));
  return { plaintextSize, storedSize };
}

async function* bytesOf(stream: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  for await (const piece of stream) {
    if (!(piece instanceof Uint8Array)) throw new TypeError('file stream yielded a non-byte chunk');
    yield piece;
  }
}

/** Decrypts the blob stored at `path` (see decryptBlobStream for the error contract). */
export async function* readEncryptedBlobFile(path: string, opts: BlobStreamOptions): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: BLOB_SEALED_CHUNK_BYTES });
  try {
    yield* decryptBlobStream(bytesOf(stream), opts);
  } finally {
    stream.destroy();
  }
}
