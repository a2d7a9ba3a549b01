/**
 * On-disk format of an encrypted attachment blob (STREAM construction, Hoang-Reyhanitabar-
 * Rogaway-Vizár): a 46-byte header followed by ChaCha20-Poly1305 sealed chunks.
 *
 *   header = "AWB1" (4) || version 1 (1) || algorithm 2 (1) || keyId (8) || salt (32)
 *   blobKey = HKDF-SHA256(ikm = content key, salt, info = "afterword/blob/v1\0" + blobId)
 *   chunk i = ChaCha20-Poly1305(blobKey, nonce_i, plaintext_i, aad = header)
 *   nonce_i = 0x000000 || uint64be(i) || lastFlag (1 on the final chunk, else 0)
 *
 * Plaintext is cut in 65536-byte pieces. Every chunk but the final one holds exactly 65536
 * bytes (65552 sealed). Rule for the final chunk: it holds the 1..65536 remaining bytes, so an
 * input that is an exact multiple of 64 KiB ends with a full-size final chunk (no empty
 * trailer); only an empty input has an empty final chunk (16 bytes: just the tag).
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { BadRequestError } from '../errors.js';
import { constantTimeEqual } from './aead.js';
import { BlobHeaderError } from './crypto-errors.js';
import { KEY_ID_BYTES } from './envelope.js';
import { hkdfSha256 } from './hkdf.js';

export const BLOB_MAGIC = Uint8Array.from([0x41, 0x57, 0x42, 0x31]); // "AWB1"
export const BLOB_VERSION = 1;
export const BLOB_ALG_CHACHA20POLY1305_STREAM = 2;
export const BLOB_SALT_BYTES = 32;
export const BLOB_HEADER_BYTES = BLOB_MAGIC.length + 2 + KEY_ID_BYTES + BLOB_SALT_BYTES; // 46
export const BLOB_CHUNK_BYTES = 65536;
export const BLOB_TAG_BYTES = 16;
export const BLOB_SEALED_CHUNK_BYTES = BLOB_CHUNK_BYTES + BLOB_TAG_BYTES; // 65552

const KEY_ID_OFFSET = BLOB_MAGIC.length + 2; // 6
const SALT_OFFSET = KEY_ID_OFFSET + KEY_ID_BYTES; // 14

export function encodeBlobHeader(keyId: Uint8Array, salt: Uint8Array): Uint8Array {
  if (keyId.length !== KEY_ID_BYTES) throw new BadRequestError(`blob key id must be ${KEY_ID_BYTES} bytes`);
  if (salt.length !== BLOB_SALT_BYTES) throw new BadRequestError(`blob salt must be ${BLOB_SALT_BYTES} bytes`);
  const header = new Uint8Array(BLOB_HEADER_BYTES);
  header.set(BLOB_MAGIC, 0);
  header[BLOB_MAGIC.length] = BLOB_VERSION;
  header[BLOB_MAGIC.length + 1] = BLOB_ALG_CHACHA20POLY1305_STREAM;
  header.set(keyId, KEY_ID_OFFSET);
  header.set(salt, SALT_OFFSET);
  return header;
}

/** Checks magic, version, algorithm and key id; returns the salt. Throws BlobHeaderError. */
export function parseBlobHeader(header: Uint8Array, expectedKeyId: Uint8Array, blobId: string): Uint8Array {
  if (header.length !== BLOB_HEADER_BYTES) {
    throw new BlobHeaderError(blobId, `expected ${BLOB_HEADER_BYTES} header bytes, got ${header.length}`);
  }
  if (!BLOB_MAGIC.every((b, i) => header[i] === b)) {
    throw new BlobHeaderError(blobId, 'bad magic (not an Afterword blob)');
  }
  const version = header[BLOB_MAGIC.length];
  if (version !== BLOB_VERSION) throw new BlobHeaderError(blobId, `unknown version ${version}`);
  const alg = header[BLOB_MAGIC.length + 1];
  if (alg !== BLOB_ALG_CHACHA20POLY1305_STREAM) throw new BlobHeaderError(blobId, `unknown algorithm ${alg}`);
  const keyId = header.subarray(KEY_ID_OFFSET, SALT_OFFSET);
  if (!constantTimeEqual(keyId, expectedKeyId)) {
    throw new BlobHeaderError(
      blobId,
      `sealed with content key ${bytesToHex(keyId)}, but key ${bytesToHex(expectedKeyId)} was offered`,
    );
  }
  return header.slice(SALT_OFFSET);
}

/** Per-blob key: binds every chunk to the blob id and a fresh salt. */
export function deriveBlobKey(contentKey: Uint8Array, salt: Uint8Array, blobId: string): Uint8Array {
  return hkdfSha256(contentKey, salt, `afterword/blob/v1\0${blobId}`, 32);
}

/** 0x000000 || uint64be(index) || lastFlag. */
export function chunkNonce(index: number, last: boolean): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0) throw new BadRequestError(`invalid chunk index ${index}`);
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setBigUint64(3, BigInt(index), false);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Stored size of a blob holding `plaintextSize` bytes. */
export function encryptedBlobSize(plaintextSize: number): number {
  const chunks = Math.max(1, Math.ceil(plaintextSize / BLOB_CHUNK_BYTES));
  return BLOB_HEADER_BYTES + plaintextSize + chunks * BLOB_TAG_BYTES;
}
