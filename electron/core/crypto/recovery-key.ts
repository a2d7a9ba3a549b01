/**
 * Human-typeable recovery key.
 *
 * 160 random bits in Crockford base32 (32 symbols) followed by a 4-symbol checksum: the first
 * 20 bits of SHA-256 over the 20 entropy bytes. Shown as 6 groups of 6 joined by '-':
 *   XXXXXX-XXXXXX-XXXXXX-XXXXXX-XXXXXX-XXCCCC   (C = checksum)
 *
 * Parsing is forgiving where it cannot hurt (case, spaces, hyphens, I/L read as 1, O as 0) and
 * strict elsewhere (U and any other symbol are invalid). A wrong symbol passes the 20-bit
 * checksum with probability 2^-20.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { constantTimeEqual, randomBytes } from './aead.js';
import { RecoveryKeyChecksumError, RecoveryKeyFormatError } from './crypto-errors.js';
import { BadRequestError } from '../errors.js';

export const RECOVERY_KEY_ENTROPY_BYTES = 20;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_SYMBOLS = 32; // 160 bits / 5
const CHECKSUM_SYMBOLS = 4; // 20 bits / 5
const TOTAL_SYMBOLS = DATA_SYMBOLS + CHECKSUM_SYMBOLS; // 36
const GROUP = 6;

/** ASCII-only decoding table, both cases (no toUpperCase: 'ß' or dotless 'ı' must not sneak in). */
const DECODE: ReadonlyMap<string, number> = new Map(
  [
    ...[...ALPHABET].map((c, i): [string, number] => [c, i]),
    ['I', 1] as [string, number],
    ['L', 1] as [string, number],
    ['O', 0] as [string, number],
  ].flatMap(([c, v]): [string, number][] => [
    [c, v],
    [c.toLowerCase(), v],
  ]),
);

/** Big-endian base32 of the first `symbols * 5` bits of `bytes`. */
function encodeBits(bytes: Uint8Array, symbols: number): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  let index = 0;
  while (out.length < symbols) {
    if (bits < 5) {
      acc = ((acc << 8) | (bytes[index++] ?? 0)) & 0xffff;
      bits += 8;
    }
    bits -= 5;
    out += ALPHABET[(acc >>> bits) & 31];
  }
  return out;
}

/** Inverse of encodeBits for a multiple of 8 bits (symbols.length * 5 === byteLength * 8). */
function decodeBits(values: readonly number[], byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  let acc = 0;
  let bits = 0;
  let index = 0;
  for (const value of values) {
    acc = ((acc << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

function checksumOf(entropy: Uint8Array): string {
  return encodeBits(sha256(entropy), CHECKSUM_SYMBOLS);
}

/** Display form of 20 entropy bytes (6 groups of 6 symbols, checksum at the end). */
export function formatRecoveryKey(entropy: Uint8Array): string {
  if (entropy.length !== RECOVERY_KEY_ENTROPY_BYTES) {
    throw new BadRequestError(`recovery key entropy must be ${RECOVERY_KEY_ENTROPY_BYTES} bytes`);
  }
  const symbols = encodeBits(entropy, DATA_SYMBOLS) + checksumOf(entropy);
  const groups: string[] = [];
  for (let i = 0; i < TOTAL_SYMBOLS; i += GROUP) groups.push(symbols.slice(i, i + GROUP));
  return groups.join('-');
}

/** A fresh recovery key: what to show the user, and the 20 bytes it stands for. */
export function generateRecoveryKey(): { display: string; entropy: Uint8Array } {
  const entropy = randomBytes(RECOVERY_KEY_ENTROPY_BYTES);
  return { display: formatRecoveryKey(entropy), entropy };
}

/**
 * Reads a typed recovery key back into its 20 entropy bytes.
 * Throws RecoveryKeyFormatError (bad symbols or length) or RecoveryKeyChecksumError (a typo).
 * Error messages never echo the key.
 */
export function parseRecoveryKey(input: string): Uint8Array {
  const compact = input.replace(/[\s-]+/g, '');
  const values: number[] = [];
  for (const [position, char] of [...compact].entries()) {
    const value = DECODE.get(char);
    if (value === undefined) {
      throw new RecoveryKeyFormatError(
        `symbol ${position + 1} is not a valid character (allowed: digits and letters except U)`,
      );
    }
    values.push(value);
  }
  if (values.length !== TOTAL_SYMBOLS) {
    throw new RecoveryKeyFormatError(`expected ${TOTAL_SYMBOLS} characters, got ${values.length}`);
  }
  const entropy = decodeBits(values.slice(0, DATA_SYMBOLS), RECOVERY_KEY_ENTROPY_BYTES);
  const typed = values.slice(DATA_SYMBOLS).map((v) => ALPHABET.charCodeAt(v));
  const expected = [...checksumOf(entropy)].map((c) => c.charCodeAt(0));
  if (!constantTimeEqual(Uint8Array.from(typed), Uint8Array.from(expected))) {
    throw new RecoveryKeyChecksumError();
  }
  return entropy;
}
