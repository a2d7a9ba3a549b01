import { sha256 } from '@noble/hashes/sha2.js';

/**
 * A standby's pairing code is its age X25519 recipient (`age1…`, bech32 of the 32-byte public key);
 * its fingerprint is short enough to compare by eye on both machines. Shared, so that the UI shows
 * the fingerprint of a typed code before anything is sent.
 */
export interface StandbyCode {
  /** The recipient, lower case as age writes it. */
  recipient: string;
  /** Four groups of four hex digits, e.g. 3F9A-12C0-77BE-0D41. */
  fingerprint: string;
}

/** A standby's name: a short slug (the bucket holds its wrap under it). */
export const STANDBY_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const value of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ value;
    GENERATORS.forEach((g, i) => {
      if ((top >>> i) & 1) chk ^= g;
    });
  }
  return chk;
}

const hrpExpand = (hrp: string): number[] => [
  ...[...hrp].map((c) => c.charCodeAt(0) >> 5),
  0,
  ...[...hrp].map((c) => c.charCodeAt(0) & 31),
];

/** The 32-byte X25519 public key of an `age1…` recipient, or null when it is not one (bad checksum too). */
function publicKeyOf(recipient: string): Uint8Array | null {
  if (!/^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/.test(recipient)) return null;
  const words = [...recipient.slice(4)].map((c) => CHARSET.indexOf(c));
  if (polymod([...hrpExpand('age'), ...words]) !== 1) return null;
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const word of words.slice(0, -6)) {
    acc = (acc << 5) | word;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  // 52 groups of 5 bits hold 32 bytes and 4 zero bits of padding.
  if (bytes.length !== 32 || (acc & ((1 << bits) - 1)) !== 0) return null;
  return new Uint8Array(bytes);
}

const LABEL = Array.from('afterword/standby/fingerprint/v1\n', (c) => c.charCodeAt(0));

/** The code as typed (spaces around it, upper case) read as a standby's code, or null. */
export function parseStandbyCode(code: string): StandbyCode | null {
  const recipient = code.trim().toLowerCase();
  const key = publicKeyOf(recipient);
  if (!key) return null;
  const digest = sha256(new Uint8Array([...LABEL, ...key]));
  const hex = Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
  return { recipient, fingerprint: hex.match(/.{4}/g)!.join('-') };
}
