/**
 * Key derivation from passwords and recovery keys: scrypt (node:crypto / OpenSSL). Sub-keys of
 * keys come from HKDF-SHA256 (hkdf.ts): without a JavaScript hash library here, the CLI's launcher
 * can start a password's scrypt before the rest loads.
 *
 * scryptDerive does not enforce the safety floor (the RFC 7914 test vectors use tiny N); any
 * parameters read back from storage must go through assertScryptParamsAcceptable first.
 */
import { scrypt as nodeScrypt, scryptSync as nodeScryptSync } from 'node:crypto';
import { BadRequestError } from '../errors.js';
import { WeakKdfParamsError } from './crypto-errors.js';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ logN: 17, r: 8, p: 1 });
export const SCRYPT_FLOOR: ScryptParams = Object.freeze({ logN: 15, r: 8, p: 1 });
/**
 * NEVER FOR REAL USE: the floor while the test knob AFTERWORD_ALLOW_WEAK_KDF=1 is set (see the
 * CLI's context), so that test vaults cost a few milliseconds to unlock. A vault made with it is
 * refused as tampered with wherever the knob is not set (the desktop app never sets it).
 */
export const TEST_SCRYPT_FLOOR: ScryptParams = Object.freeze({ logN: 10, r: 8, p: 1 });
/** Above this, deriving would need > 4 GiB (at r = 8): treat as corruption, not as a setting. */
export const SCRYPT_MAX_LOG_N = 22;
/** Upper sanity bounds on r and p: far beyond any sane setting, low enough to stop a memory bomb. */
const SCRYPT_MAX_R = 32;
const SCRYPT_MAX_P = 16;

const MAXMEM_MARGIN = 1024 * 1024;

/**
 * Memory limit handed to OpenSSL. OpenSSL needs 128*r*(N+2) + 128*r*p bytes; the 32 MiB default
 * is too small for N = 2^17, r = 8 (128 MiB). We allow 128*N*r*p (>= that) plus a margin.
 */
export function scryptMaxmem(params: ScryptParams): number {
  const n = 2 ** params.logN;
  return 128 * n * params.r * params.p + 128 * params.r * (params.p + 2) + MAXMEM_MARGIN;
}

function checkShape(params: ScryptParams, dkLen: number): void {
  const { logN, r, p } = params;
  if (!Number.isInteger(logN) || logN < 1 || logN > 30) {
    throw new BadRequestError(`scrypt logN must be an integer in 1..30, got ${logN}`);
  }
  if (!Number.isInteger(r) || r < 1 || !Number.isInteger(p) || p < 1) {
    throw new BadRequestError(`scrypt r and p must be positive integers, got r=${r} p=${p}`);
  }
  if (!Number.isInteger(dkLen) || dkLen < 1) {
    throw new BadRequestError(`scrypt dkLen must be a positive integer, got ${dkLen}`);
  }
}

function toBytes(secret: Uint8Array | string): Uint8Array {
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
}

function nodeOptions(params: ScryptParams): { N: number; r: number; p: number; maxmem: number } {
  return { N: 2 ** params.logN, r: params.r, p: params.p, maxmem: scryptMaxmem(params) };
}

function plain(buf: Buffer): Uint8Array {
  const out = new Uint8Array(buf.length);
  out.set(buf);
  buf.fill(0);
  return out;
}

/** scrypt(secret, salt) on the libuv thread pool. Strings are UTF-8 encoded (no normalisation). */
export async function scryptDerive(
  secret: Uint8Array | string,
  salt: Uint8Array,
  params: ScryptParams,
  dkLen = 32,
): Promise<Uint8Array> {
  checkShape(params, dkLen);
  const password = toBytes(secret);
  return new Promise<Uint8Array>((resolve, reject) => {
    nodeScrypt(password, salt, dkLen, nodeOptions(params), (error, derived) => {
      if (error) reject(error);
      else resolve(plain(derived));
    });
  });
}

/** Synchronous scryptDerive (blocks the event loop: CLI and tests only). */
export function scryptDeriveSync(
  secret: Uint8Array | string,
  salt: Uint8Array,
  params: ScryptParams,
  dkLen = 32,
): Uint8Array {
  checkShape(params, dkLen);
  return plain(nodeScryptSync(toBytes(secret), salt, dkLen, nodeOptions(params)));
}

/**
 * Throws WeakKdfParamsError unless stored parameters are at least `floor` (SCRYPT_FLOOR outside
 * tests) and not absurd. Call on every parameter set read from disk before deriving with it.
 */
export function assertScryptParamsAcceptable(params: ScryptParams, floor: ScryptParams = SCRYPT_FLOOR): void {
  const { logN, r, p } = params;
  if (
    !Number.isInteger(logN) ||
    !Number.isInteger(r) ||
    !Number.isInteger(p) ||
    logN < floor.logN ||
    r < floor.r ||
    p < floor.p
  ) {
    throw new WeakKdfParamsError();
  }
  if (logN > SCRYPT_MAX_LOG_N || r > SCRYPT_MAX_R || p > SCRYPT_MAX_P) {
    throw new WeakKdfParamsError(
      `KDF parameters are absurdly large (logN=${logN}, r=${r}, p=${p}); the vault may have been tampered with`,
    );
  }
}
