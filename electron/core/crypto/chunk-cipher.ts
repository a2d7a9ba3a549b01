/**
 * ChaCha20-Poly1305 (RFC 8439, 12-byte nonce, 16-byte tag appended) behind a tiny interface, so
 * attachment streaming can use OpenSSL when Node has it and fall back to @noble/ciphers.
 * Both implementations produce byte-identical output.
 */
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { BadRequestError } from '../errors.js';
import { AeadAuthError } from './crypto-errors.js';

export const CHUNK_KEY_BYTES = 32;
export const CHUNK_NONCE_BYTES = 12;
export const CHUNK_TAG_BYTES = 16;

export interface ChunkCipher {
  readonly name: string;
  /** Returns ciphertext || 16-byte tag. */
  seal(key: Uint8Array, nonce12: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /**
   * Optional: the same bytes as seal(), as separate pieces (ciphertext, tag) to avoid copying a
   * whole chunk to append 16 bytes. Concatenated, they equal seal()'s output.
   */
  sealParts?(key: Uint8Array, nonce12: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array[];
  /** Returns the plaintext; throws AeadAuthError if the tag does not verify. */
  open(key: Uint8Array, nonce12: Uint8Array, ciphertextWithTag: Uint8Array, aad: Uint8Array): Uint8Array;
}

function checkKeyAndNonce(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== CHUNK_KEY_BYTES) {
    throw new BadRequestError(`ChaCha20-Poly1305 key must be ${CHUNK_KEY_BYTES} bytes, got ${key.length}`);
  }
  if (nonce.length !== CHUNK_NONCE_BYTES) {
    throw new BadRequestError(`ChaCha20-Poly1305 nonce must be ${CHUNK_NONCE_BYTES} bytes, got ${nonce.length}`);
  }
}

function tooShort(): AeadAuthError {
  return new AeadAuthError('authentication failed: chunk is shorter than its tag');
}

/** OpenSSL's chacha20-poly1305 through node:crypto. */
export const nodeChunkCipher: ChunkCipher = {
  name: 'node:chacha20-poly1305',
  seal(key, nonce12, plaintext, aad) {
    const parts = this.sealParts!(key, nonce12, plaintext, aad);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  },
  sealParts(key, nonce12, plaintext, aad) {
    checkKeyAndNonce(key, nonce12);
    const cipher = createCipheriv('chacha20-poly1305', key, nonce12, { authTagLength: CHUNK_TAG_BYTES });
    cipher.setAAD(aad, { plaintextLength: plaintext.length });
    const body = cipher.update(plaintext);
    const rest = cipher.final();
    return rest.length > 0 ? [body, rest, cipher.getAuthTag()] : [body, cipher.getAuthTag()];
  },
  open(key, nonce12, ciphertextWithTag, aad) {
    checkKeyAndNonce(key, nonce12);
    if (ciphertextWithTag.length < CHUNK_TAG_BYTES) throw tooShort();
    const split = ciphertextWithTag.length - CHUNK_TAG_BYTES;
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce12, { authTagLength: CHUNK_TAG_BYTES });
    decipher.setAAD(aad, { plaintextLength: split });
    decipher.setAuthTag(ciphertextWithTag.subarray(split));
    const body = decipher.update(ciphertextWithTag.subarray(0, split));
    let rest: Buffer;
    try {
      rest = decipher.final();
    } catch {
      body.fill(0); // unauthenticated plaintext never leaves this function
      throw new AeadAuthError();
    }
    // OpenSSL's chacha20-poly1305 hands everything out in update(): the plaintext is returned in
    // place (as a plain Uint8Array over the same memory) rather than copied and wiped.
    if (rest.length === 0) return new Uint8Array(body.buffer, body.byteOffset, body.length);
    const out = new Uint8Array(body.length + rest.length);
    out.set(body, 0);
    out.set(rest, body.length);
    body.fill(0);
    return out;
  },
};

/** Pure-JS chacha20-poly1305 from @noble/ciphers. */
export const nobleChunkCipher: ChunkCipher = {
  name: 'noble:chacha20-poly1305',
  seal(key, nonce12, plaintext, aad) {
    checkKeyAndNonce(key, nonce12);
    return chacha20poly1305(key, nonce12, aad).encrypt(plaintext);
  },
  open(key, nonce12, ciphertextWithTag, aad) {
    checkKeyAndNonce(key, nonce12);
    if (ciphertextWithTag.length < CHUNK_TAG_BYTES) throw tooShort();
    try {
      return chacha20poly1305(key, nonce12, aad).decrypt(ciphertextWithTag);
    } catch {
      throw new AeadAuthError();
    }
  },
};

let cachedDefault: ChunkCipher | undefined;

/** node's cipher when this Node/OpenSSL build has chacha20-poly1305, otherwise noble's. */
export function defaultChunkCipher(): ChunkCipher {
  cachedDefault ??= getCiphers().includes('chacha20-poly1305') ? nodeChunkCipher : nobleChunkCipher;
  return cachedDefault;
}
