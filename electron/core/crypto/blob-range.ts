import { open } from 'node:fs/promises';
import {
  BLOB_CHUNK_BYTES,
  BLOB_HEADER_BYTES,
  BLOB_SEALED_CHUNK_BYTES,
  BLOB_TAG_BYTES,
  chunkNonce,
  deriveBlobKey,
  parseBlobHeader,
} from './blob-format.js';
import { defaultChunkCipher } from './chunk-cipher.js';
import { AeadAuthError, BlobChunkTamperedError, BlobTruncatedError } from './crypto-errors.js';
import type { BlobStreamOptions } from './blob-stream.js';

/**
 * Random access into an encrypted blob: decrypts `count` 64 KiB chunks starting at `first`, each
 * verified with its own index and last-chunk flag (known from the plaintext size the vault
 * recorded), so a download can resume or go in pieces without decrypting from the start.
 */
export async function readBlobChunks(
  path: string,
  opts: BlobStreamOptions & { plaintextSize: number },
  first: number,
  count: number,
): Promise<Uint8Array> {
  const lastIndex = Math.max(0, Math.ceil(opts.plaintextSize / BLOB_CHUNK_BYTES) - 1);
  if (first > lastIndex) return new Uint8Array(0);
  const end = Math.min(lastIndex, first + count - 1);
  const cipher = opts.cipher ?? defaultChunkCipher();
  const file = await open(path, 'r');
  try {
    const header = new Uint8Array(BLOB_HEADER_BYTES);
    if ((await file.read(header, 0, header.length, 0)).bytesRead !== header.length) {
      throw new BlobTruncatedError(opts.blobId, 'it ends inside its header');
    }
    const salt = parseBlobHeader(header, opts.key.id, opts.blobId);
    const key = deriveBlobKey(opts.key.key, salt, opts.blobId);
    const parts: Uint8Array[] = [];
    try {
      for (let index = first; index <= end; index++) {
        const plainLength = index === lastIndex ? opts.plaintextSize - index * BLOB_CHUNK_BYTES : BLOB_CHUNK_BYTES;
        const sealed = new Uint8Array(plainLength + BLOB_TAG_BYTES);
        const at = BLOB_HEADER_BYTES + index * BLOB_SEALED_CHUNK_BYTES;
        const { bytesRead } = await file.read(sealed, 0, sealed.length, at);
        if (bytesRead !== sealed.length) throw new BlobTruncatedError(opts.blobId, `it ends inside chunk ${index}`);
        try {
          parts.push(cipher.open(key, chunkNonce(index, index === lastIndex), sealed, header));
        } catch (error) {
          if (error instanceof AeadAuthError) throw new BlobChunkTamperedError(opts.blobId, index);
          throw error;
        }
      }
    } finally {
      key.fill(0);
    }
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  } finally {
    await file.close();
  }
}
