/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha), plus the two primitives everything else leans
 * on: a CSPRNG and a constant-time comparison.
 *
 * XChaCha20-Poly1305(key, nonce24) = ChaCha20-Poly1305(HChaCha20(key, nonce24[0..16]),
 * 0x00000000 || nonce24[16..24]) (draft section 2.3). Two implementations, byte-identical and
 * cross-tested:
 *   - node:  HChaCha20 from @noble/ciphers (one ChaCha block, under a microsecond), then
 *            OpenSSL's chacha20-poly1305 through node:crypto for the bulk of the work;
 *   - noble: @noble/ciphers' xchacha20poly1305, pure JS.
 * xchachaSeal/xchachaOpen use the node one when this Node build's crypto provides
 * chacha20-poly1305 (and it agrees with noble on a self-test), the noble one otherwise.
 */
import { getCiphers, randomFillSync, timingSafeEqual } from 'node:crypto';
import { hchacha, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { BadRequestError } from '../errors.js';
import { AeadAuthError } from './crypto-errors.js';
import { nodeChunkCipher } from './chunk-cipher.js';

export const XCHACHA_KEY_BYTES = 32;
export const XCHACHA_NONCE_BYTES = 24;
export const AEAD_TAG_BYTES = 16;

/** The nonce prefix HChaCha20 consumes; the remaining 8 bytes go to ChaCha20. */
const HCHACHA_NONCE_BYTES = 16;
/** IETF ChaCha20 nonce: 4 zero bytes || nonce[16..24]. */
const CHACHA_NONCE_BYTES = 12;

export interface XChaChaCipher {
  readonly name: string;
  /** Encrypts and authenticates; returns ciphertext || 16-byte tag. */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Verifies and decrypts ciphertext || tag; throws AeadAuthError if anything does not match. */
  open(key: Uint8Array, nonce: Uint8Array, ciphertextWithTag: Uint8Array, aad: Uint8Array): Uint8Array;
}

function checkKeyAndNonce(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== XCHACHA_KEY_BYTES) {
    throw new BadRequestError(`XChaCha20-Poly1305 key must be ${XCHACHA_KEY_BYTES} bytes, got ${key.length}`);
  }
  if (nonce.length !== XCHACHA_NONCE_BYTES) {
    throw new BadRequestError(`XChaCha20-Poly1305 nonce must be ${XCHACHA_NONCE_BYTES} bytes, got ${nonce.length}`);
  }
}

function checkTagLength(ciphertextWithTag: Uint8Array): void {
  if (ciphertextWithTag.length < AEAD_TAG_BYTES) {
    throw new AeadAuthError('authentication failed: ciphertext is shorter than its tag');
  }
}

/** "expand 32-byte k" as the four little-endian words hchacha expects (a u32 view of the bytes). */
const SIGMA32 = new Uint32Array(new TextEncoder().encode('expand 32-byte k').buffer);

/**
 * Scratch for the native path, reused by every call (all of it is synchronous) and wiped before
 * each call returns: key and nonce prefix copied in (noble's hchacha takes u32 views, so they must
 * be 4-byte aligned, and envelope nonces sit at byte 10), the derived subkey, and the 12-byte
 * ChaCha20 nonce 0x00000000 || nonce[16..24].
 */
const SUBKEY_AT = XCHACHA_KEY_BYTES + HCHACHA_NONCE_BYTES;
const NONCE12_AT = SUBKEY_AT + XCHACHA_KEY_BYTES;
const scratch = new ArrayBuffer(NONCE12_AT + CHACHA_NONCE_BYTES);
const scratchBytes = new Uint8Array(scratch);
const hKey = new Uint32Array(scratch, 0, XCHACHA_KEY_BYTES / 4);
const hNonce = new Uint32Array(scratch, XCHACHA_KEY_BYTES, HCHACHA_NONCE_BYTES / 4);
const subkeyWords = new Uint32Array(scratch, SUBKEY_AT, XCHACHA_KEY_BYTES / 4);
const subkeyBytes = new Uint8Array(scratch, SUBKEY_AT, XCHACHA_KEY_BYTES);
const nonce12 = new Uint8Array(scratch, NONCE12_AT, CHACHA_NONCE_BYTES);

/**
 * Fills subkeyBytes with HChaCha20(key, nonce[0..16]) (draft section 2.2) and nonce12 with
 * 4 zero bytes || nonce[16..24]. noble's hchacha reads and writes the words in byte order on any
 * host (it byte-swaps on big-endian ones itself). The caller must call wipeScratch() afterwards.
 */
function deriveIntoScratch(key: Uint8Array, nonce: Uint8Array): void {
  scratchBytes.set(key, 0);
  scratchBytes.set(nonce.subarray(0, HCHACHA_NONCE_BYTES), XCHACHA_KEY_BYTES);
  hchacha(SIGMA32, hKey, hNonce, subkeyWords);
  nonce12.fill(0, 0, 4);
  nonce12.set(nonce.subarray(HCHACHA_NONCE_BYTES), 4);
}

function wipeScratch(): void {
  scratchBytes.fill(0);
}

/** HChaCha20(key, nonce16): the XChaCha subkey, exported for its own known-answer test. */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  if (key.length !== XCHACHA_KEY_BYTES || nonce16.length !== HCHACHA_NONCE_BYTES) {
    throw new BadRequestError('HChaCha20 needs a 32-byte key and a 16-byte nonce');
  }
  const padded = new Uint8Array(XCHACHA_NONCE_BYTES);
  padded.set(nonce16);
  try {
    deriveIntoScratch(key, padded);
    return subkeyBytes.slice();
  } finally {
    wipeScratch();
  }
}

/**
 * HChaCha20 from noble, then OpenSSL's chacha20-poly1305 (the same node cipher the attachment
 * STREAM uses) with the subkey and nonce12 = 4 zero bytes || nonce[16..24].
 */
export const nodeXChaCha: XChaChaCipher = {
  name: 'node:xchacha20-poly1305',
  seal(key, nonce, plaintext, aad) {
    checkKeyAndNonce(key, nonce);
    try {
      deriveIntoScratch(key, nonce);
      return nodeChunkCipher.seal(subkeyBytes, nonce12, plaintext, aad);
    } finally {
      wipeScratch(); // OpenSSL kept its own copy of the subkey only for the call
    }
  },
  open(key, nonce, ciphertextWithTag, aad) {
    checkKeyAndNonce(key, nonce);
    checkTagLength(ciphertextWithTag);
    try {
      deriveIntoScratch(key, nonce);
      return nodeChunkCipher.open(subkeyBytes, nonce12, ciphertextWithTag, aad);
    } finally {
      wipeScratch();
    }
  },
};

/** Pure-JS xchacha20poly1305 from @noble/ciphers. */
export const nobleXChaCha: XChaChaCipher = {
  name: 'noble:xchacha20-poly1305',
  seal(key, nonce, plaintext, aad) {
    checkKeyAndNonce(key, nonce);
    return xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
  },
  open(key, nonce, ciphertextWithTag, aad) {
    checkKeyAndNonce(key, nonce);
    checkTagLength(ciphertextWithTag);
    try {
      return xchacha20poly1305(key, nonce, aad).decrypt(ciphertextWithTag);
    } catch {
      throw new AeadAuthError();
    }
  },
};

/**
 * One-time known-answer check before trusting the native path: it must produce the bytes noble's
 * xchacha20poly1305 produces for these inputs (computed once, written below) and open them again.
 * A crypto build that lists the cipher but misbehaves falls back to noble. A fixed answer instead
 * of running noble here: the pure-JS cipher, cold, was a visible part of every short command.
 */
export const SELF_TEST_SEALED =
  'f10d71f75ff5f25df31b7dd8faa3935a2256607d11518afbd2a3ef175e4813d7d00ffadbb555ee5de59fe17ed6f03ca6';

function nodeAgreesWithNoble(): boolean {
  try {
    const key = Uint8Array.from({ length: XCHACHA_KEY_BYTES }, (_, i) => 0x80 + i);
    const nonce = Uint8Array.from({ length: XCHACHA_NONCE_BYTES }, (_, i) => 0x40 + i);
    const plaintext = Uint8Array.from({ length: 32 }, (_, i) => i);
    const aad = Uint8Array.from({ length: 12 }, (_, i) => 0x50 + i);
    const expected = Uint8Array.from(Buffer.from(SELF_TEST_SEALED, 'hex'));
    const actual = nodeXChaCha.seal(key, nonce, plaintext, aad);
    return (
      constantTimeEqual(actual, expected) && constantTimeEqual(nodeXChaCha.open(key, nonce, expected, aad), plaintext)
    );
  } catch {
    return false;
  }
}

let cachedDefault: XChaChaCipher | undefined;

/** node's path when this Node build has chacha20-poly1305 (and it passes the self-test), else noble's. */
export function defaultXChaCha(): XChaChaCipher {
  cachedDefault ??= getCiphers().includes('chacha20-poly1305') && nodeAgreesWithNoble() ? nodeXChaCha : nobleXChaCha;
  return cachedDefault;
}

/** Encrypts and authenticates; returns ciphertext || 16-byte tag. */
export function xchachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  return defaultXChaCha().seal(key, nonce, plaintext, aad);
}

/** Verifies and decrypts ciphertext || tag. Throws AeadAuthError if anything does not match. */
export function xchachaOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertextWithTag: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  return defaultXChaCha().open(key, nonce, ciphertextWithTag, aad);
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
