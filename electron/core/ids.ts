import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

export type IdPrefix = 'msg' | 'rcp' | 'att' | 'pln' | 'obx' | 'tok' | 'hook' | 'upl' | 'exp';

/** A short random id such as `msg_3kq9x0c7m1f2a8zt` (80 random bits): typeable, unguessable. */
export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `${prefix}_${out}`;
}

export const ID_PATTERN = /^(msg|rcp|att|pln|obx|tok|hook|upl|exp)_[0-9a-hjkmnp-tv-z]{16}$/;
