/**
 * Versioned envelope for every encrypted database value.
 *
 * Layout: [version=1][algorithm=1 XChaCha20-Poly1305][keyId: 8][nonce: 24][ciphertext || tag: 16]
 *
 * The AEAD associated data binds the envelope to its header and to where it lives:
 *   AAD = header (34 bytes) || utf8("afterword/field/v1\0" + table + "\0" + column + "\0" + rowId)
 * so a modified header, or a ciphertext copied to another table, column or row, fails to open.
 */
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { BadRequestError, IntegrityError } from '../errors.js';
import { AEAD_TAG_BYTES, constantTimeEqual, randomBytes, xchachaOpen, xchachaSeal } from './aead.js';
import { AeadAuthError, FieldTamperedError, UnsupportedEnvelopeError, WrongKeyError } from './crypto-errors.js';

export interface ContentKey {
  /** 8-byte key identifier, stored in clear in every envelope. */
  id: Uint8Array;
  /** 32-byte secret key. */
  key: Uint8Array;
}

export interface FieldRef {
  table: string;
  column: string;
  rowId: string;
}

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_ALG_XCHACHA20POLY1305 = 1;
export const KEY_ID_BYTES = 8;
const NONCE_BYTES = 24;
export const ENVELOPE_HEADER_BYTES = 2 + KEY_ID_BYTES + NONCE_BYTES; // 34
export const ENVELOPE_MIN_BYTES = ENVELOPE_HEADER_BYTES + AEAD_TAG_BYTES; // 50

const FIELD_DOMAIN = 'afterword/field/v1';

/** Throws BadRequestError unless the content key has the right shape. */
export function assertContentKey(key: ContentKey): void {
  if (key.id.length !== KEY_ID_BYTES) {
    throw new BadRequestError(`content key id must be ${KEY_ID_BYTES} bytes, got ${key.id.length}`);
  }
  if (key.key.length !== 32) {
    throw new BadRequestError(`content key must be 32 bytes, got ${key.key.length}`);
  }
}

const utf8 = new TextEncoder();

function checkRefPart(name: keyof FieldRef, value: unknown): void {
  // NUL separates the parts; allowing it inside one would make two refs share an AAD.
  if (typeof value !== 'string' || value.includes('\0')) {
    throw new BadRequestError(`field reference ${name} must be a string without NUL characters`);
  }
}

/**
 * header || utf8(domain NUL table NUL column NUL rowId), encoded straight into the one buffer it
 * is returned in: it is built for every value sealed or opened.
 */
function buildAad(header: Uint8Array, ref: FieldRef): Uint8Array {
  checkRefPart('table', ref.table);
  checkRefPart('column', ref.column);
  checkRefPart('rowId', ref.rowId);
  const context = `${FIELD_DOMAIN}\0${ref.table}\0${ref.column}\0${ref.rowId}`;
  // A UTF-16 code unit takes at most 3 bytes in UTF-8.
  const aad = new Uint8Array(header.length + context.length * 3);
  aad.set(header, 0);
  const { written } = utf8.encodeInto(context, aad.subarray(header.length));
  return aad.subarray(0, header.length + written);
}

/** Encrypts `plaintext` for the given field location under `key` with a fresh random nonce. */
export function sealField(key: ContentKey, ref: FieldRef, plaintext: Uint8Array): Uint8Array {
  assertContentKey(key);
  const header = new Uint8Array(ENVELOPE_HEADER_BYTES);
  header[0] = ENVELOPE_VERSION;
  header[1] = ENVELOPE_ALG_XCHACHA20POLY1305;
  header.set(key.id, 2);
  const nonce = randomBytes(NONCE_BYTES);
  header.set(nonce, 2 + KEY_ID_BYTES);
  const sealed = xchachaSeal(key.key, nonce, plaintext, buildAad(header, ref));
  const envelope = new Uint8Array(ENVELOPE_HEADER_BYTES + sealed.length);
  envelope.set(header, 0);
  envelope.set(sealed, ENVELOPE_HEADER_BYTES);
  return envelope;
}

/**
 * Verifies and decrypts an envelope read from `ref`.
 * Throws UnsupportedEnvelopeError, WrongKeyError or FieldTamperedError.
 */
export function openField(key: ContentKey, ref: FieldRef, envelope: Uint8Array): Uint8Array {
  assertContentKey(key);
  if (envelope.length < ENVELOPE_MIN_BYTES) {
    throw new UnsupportedEnvelopeError(
      `${envelope.length} bytes is shorter than the ${ENVELOPE_MIN_BYTES}-byte minimum`,
    );
  }
  if (envelope[0] !== ENVELOPE_VERSION) {
    throw new UnsupportedEnvelopeError(`unknown version ${envelope[0]}`);
  }
  if (envelope[1] !== ENVELOPE_ALG_XCHACHA20POLY1305) {
    throw new UnsupportedEnvelopeError(`unknown algorithm ${envelope[1]}`);
  }
  const keyId = envelope.subarray(2, 2 + KEY_ID_BYTES);
  if (!constantTimeEqual(keyId, key.id)) {
    throw new WrongKeyError(bytesToHex(keyId), bytesToHex(key.id));
  }
  const header = envelope.subarray(0, ENVELOPE_HEADER_BYTES);
  const nonce = envelope.subarray(2 + KEY_ID_BYTES, ENVELOPE_HEADER_BYTES);
  try {
    return xchachaOpen(key.key, nonce, envelope.subarray(ENVELOPE_HEADER_BYTES), buildAad(header, ref));
  } catch (error) {
    if (error instanceof AeadAuthError) throw new FieldTamperedError(ref.table, ref.column, ref.rowId);
    throw error;
  }
}

/** sealField for a UTF-8 string. */
export function sealText(key: ContentKey, ref: FieldRef, text: string): Uint8Array {
  return sealField(key, ref, utf8ToBytes(text));
}

// ignoreBOM: a value that starts with U+FEFF must come back with it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * openField for a UTF-8 string. Bytes that authenticate but are not valid UTF-8 (a binary value
 * read as text) throw IntegrityError. Note: lone UTF-16 surrogates do not survive sealText (they
 * are encoded as U+FFFD, as TextEncoder does).
 */
export function openText(key: ContentKey, ref: FieldRef, envelope: Uint8Array): string {
  const bytes = openField(key, ref, envelope);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new IntegrityError(`encrypted field ${ref.table}.${ref.column} of row ${ref.rowId} is not UTF-8 text`);
  }
}
