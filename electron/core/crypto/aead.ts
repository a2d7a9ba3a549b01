/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) via @noble/ciphers, plus the two primitives
 * everything else leans on: a CSPRNG and a constant-time comparison.
 */
import { randomFillSync, timingSafeEqual } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { BadRequestError } from '../errors.js';
import { AeadAuthError } from './crypto-errors.js';

export const XCHACHA_KEY_BYTES = 32;
export const XCHACHA_NONCE_BYTES = 24;
export const AEAD_TAG_BYTES = 16;

function checkKeyAndNonce(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== XCHACHA_KEY_BYTES) {
    throw new BadRequestError(`XChaCha20-Poly1305 key must be ${XCHACHA_KEY_BYTES} bytes, got ${key.length}`);
  }
  if (nonce.length !== XCHACHA_NONCE_BYTES) {
    throw new BadRequestError(
      `XChaCha20-Poly1305 nonce must be ${XCHACHA_NONCE_BYTES} bytes, got ${nonce.length}`,
    );
  }
}

/** Encrypts and authenticates; returns ciphertext || 16-byte tag. */
export function xchachaSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  checkKeyAndNonce(key, nonce);
  return xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

/** Verifies and decrypts ciphertext || tag. Throws AeadAuthError if anything does not match. */
export function xchachaOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertextWithTag: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  checkKeyAndNonce(key, nonce);
  if (ciphertextWithTag.length < AEAD_TAG_BYTES) {
    throw new AeadAuthError('authentication failed: ciphertext is shorter than its tag');
  }
  try {
    return xchacha20poly1305(key, nonce, aad).decrypt(ciphertextWithTag);
  } catch {
    throw new AeadAuthError();
  }
}

/** `n` bytes from the OS CSPRNG, as a plain Uint8Array (not a pooled Buffer). */
export function randomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new BadRequestError(`randomBytes: invalid length ${n}`);
  }
  return randomFillSync(new Uint8Array(n));
}

/**
 * Compares two byte strings in time that depends only on their lengths (lengths are not
 * treated as secret: different lengths return false immediately).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 0) return true;
  return timingSafeEqual(a, b);
}
