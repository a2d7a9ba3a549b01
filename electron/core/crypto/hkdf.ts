import { hkdfSync } from 'node:crypto';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/** The most `info` node:crypto's HKDF takes; a longer one goes through the JavaScript one. */
const NODE_HKDF_INFO_MAX_BYTES = 1024;

/**
 * HKDF-SHA256 (RFC 5869) with a UTF-8 `info` string. OpenSSL's: a short command derives a few keys
 * (audit, session, wraps) while the JavaScript SHA-256 is still interpreted, ~2 ms a key.
 */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: string, length = 32): Uint8Array {
  const infoBytes = utf8ToBytes(info);
  if (infoBytes.length > NODE_HKDF_INFO_MAX_BYTES) return hkdf(sha256, ikm, salt, infoBytes, length);
  return new Uint8Array(hkdfSync('sha256', ikm, salt, infoBytes, length));
}
