import { createHmac } from 'node:crypto';
import { xchachaOpen, xchachaSeal, randomBytes, constantTimeEqual } from '../crypto/aead.js';
import { AeadAuthError } from '../crypto/crypto-errors.js';
import { scryptDerive, assertScryptParamsAcceptable, SCRYPT_FLOOR, type ScryptParams } from '../crypto/kdf.js';
import { hkdfSha256 } from '../crypto/hkdf.js';
import type { KeyWrapKind, KeyWrapsTable } from '../db/schema.js';
import { IntegrityError } from '../errors.js';
import { normalizePassword, passwordKek } from './password-head-start.js';
import { KeyWrapTamperedError } from './vault-errors.js';

/**
 * The vault key never changes; it is wrapped (encrypted) under several key-encryption keys:
 * the password (scrypt), the recovery key (HKDF: it already carries 160 random bits) and a
 * device key held by the OS key store. Each wrap stores a verifier so that a wrong secret and a
 * tampered wrap are told apart.
 *
 * wrapped_key layout: [version 1][algorithm 1 = XChaCha20-Poly1305][nonce 24][ciphertext+tag 48]
 */
const WRAP_VERSION = 1;
const WRAP_ALG_XCHACHA = 1;

export type KeyWrapRow = Omit<KeyWrapsTable, 'created_at'>;

export interface WrapContext {
  vaultId: string;
  keyId: Uint8Array;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

function wrapAad(kind: KeyWrapKind, ctx: WrapContext): Uint8Array {
  return new TextEncoder().encode(`afterword/keywrap/v1\0${kind}\0${ctx.vaultId}\0${hex(ctx.keyId)}`);
}

function verifierOf(kek: Uint8Array, kind: KeyWrapKind): Uint8Array {
  return new Uint8Array(createHmac('sha256', kek).update(`afterword/keywrap-verifier/v1\0${kind}`).digest());
}

function seal(kind: KeyWrapKind, kek: Uint8Array, vaultKey: Uint8Array, ctx: WrapContext): Uint8Array {
  const nonce = randomBytes(24);
  const sealed = xchachaSeal(kek, nonce, vaultKey, wrapAad(kind, ctx));
  const out = new Uint8Array(2 + nonce.length + sealed.length);
  out[0] = WRAP_VERSION;
  out[1] = WRAP_ALG_XCHACHA;
  out.set(nonce, 2);
  out.set(sealed, 26);
  return out;
}

/** Returns the vault key, or null when the verifier says this is the wrong secret. */
function open(row: KeyWrapRow, kek: Uint8Array, ctx: WrapContext): Uint8Array | null {
  if (!constantTimeEqual(verifierOf(kek, row.kind), row.verifier)) return null;
  const wrapped = row.wrapped_key;
  if (wrapped.length !== 2 + 24 + 32 + 16 || wrapped[0] !== WRAP_VERSION || wrapped[1] !== WRAP_ALG_XCHACHA) {
    throw new KeyWrapTamperedError(row.kind);
  }
  try {
    return xchachaOpen(kek, wrapped.subarray(2, 26), wrapped.subarray(26), wrapAad(row.kind, ctx));
  } catch (error) {
    if (error instanceof AeadAuthError) throw new KeyWrapTamperedError(row.kind);
    throw error;
  }
}

interface PasswordParams extends ScryptParams {
  salt: string;
}

function parseParams<T>(row: KeyWrapRow): T {
  try {
    return JSON.parse(row.params) as T;
  } catch (cause) {
    throw new IntegrityError(`the ${row.kind} key wrap's parameters are unreadable`, { cause });
  }
}

export async function wrapWithPassword(
  vaultKey: Uint8Array,
  password: string,
  scrypt: ScryptParams,
  ctx: WrapContext,
  floor: ScryptParams = SCRYPT_FLOOR,
): Promise<KeyWrapRow> {
  assertScryptParamsAcceptable(scrypt, floor);
  const salt = randomBytes(32);
  const kek = await scryptDerive(normalizePassword(password), salt, scrypt);
  const params: PasswordParams = { ...scrypt, salt: hex(salt) };
  return {
    kind: 'password',
    kdf: 'scrypt',
    params: JSON.stringify(params),
    verifier: verifierOf(kek, 'password'),
    wrapped_key: seal('password', kek, vaultKey, ctx),
  };
}

export async function unwrapWithPassword(
  row: KeyWrapRow,
  password: string,
  ctx: WrapContext,
  floor: ScryptParams = SCRYPT_FLOOR,
): Promise<Uint8Array | null> {
  if (row.kdf !== 'scrypt') throw new IntegrityError(`unknown password KDF "${row.kdf}"`);
  const params = parseParams<PasswordParams>(row);
  const scrypt = { logN: params.logN, r: params.r, p: params.p };
  assertScryptParamsAcceptable(scrypt, floor);
  if (typeof params.salt !== 'string' || params.salt.length < 32) {
    throw new IntegrityError('the password key wrap has no valid salt');
  }
  const kek = await passwordKek(password, params.salt, scrypt);
  return open(row, kek, ctx);
}

function recoveryKek(entropy: Uint8Array, salt: Uint8Array): Uint8Array {
  return hkdfSha256(entropy, salt, 'afterword/recovery-wrap/v1');
}

export function wrapWithRecoveryKey(vaultKey: Uint8Array, entropy: Uint8Array, ctx: WrapContext): KeyWrapRow {
  const salt = randomBytes(32);
  const kek = recoveryKek(entropy, salt);
  return {
    kind: 'recovery',
    kdf: 'hkdf-sha256',
    params: JSON.stringify({ salt: hex(salt) }),
    verifier: verifierOf(kek, 'recovery'),
    wrapped_key: seal('recovery', kek, vaultKey, ctx),
  };
}

export function unwrapWithRecoveryKey(row: KeyWrapRow, entropy: Uint8Array, ctx: WrapContext): Uint8Array | null {
  const { salt } = parseParams<{ salt: string }>(row);
  return open(row, recoveryKek(entropy, fromHex(salt)), ctx);
}

export function wrapWithDeviceKey(
  vaultKey: Uint8Array,
  deviceKey: Uint8Array,
  backend: string,
  ctx: WrapContext,
): KeyWrapRow {
  return {
    kind: 'device',
    kdf: 'keystore',
    params: JSON.stringify({ backend }),
    verifier: verifierOf(deviceKey, 'device'),
    wrapped_key: seal('device', deviceKey, vaultKey, ctx),
  };
}

export function deviceBackendOf(row: KeyWrapRow): string {
  return parseParams<{ backend: string }>(row).backend;
}

export function unwrapWithDeviceKey(row: KeyWrapRow, deviceKey: Uint8Array, ctx: WrapContext): Uint8Array | null {
  return open(row, deviceKey, ctx);
}
