import { createHash, createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { hkdfSha256 } from '../crypto/hkdf.js';

/**
 * The keys of a vault's backups, all derived from the vault key (which never leaves the vault
 * except wrapped, in `keys`): whoever can open the vault can read and check its backups, and
 * nobody else. The signing key's public half sits in `config`, so a holder of the bucket alone
 * can check that a manifest was written by this vault.
 */
export interface BackupKeys {
  /** Shard ids: HMAC of the plaintext chunk, so the bucket cannot be probed for known content. */
  readonly idKey: Uint8Array;
  /** Shard contents: XChaCha20-Poly1305 with the shard id as associated data. */
  readonly shardKey: Uint8Array;
  /** Manifest contents. */
  readonly manifestKey: Uint8Array;
  readonly signingKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as 32 raw bytes, hex (what `config` carries). */
  readonly publicKeyHex: string;
}

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SPKI DER header of an Ed25519 public key; the 32 raw bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function deriveBackupKeys(vaultKey: Uint8Array, vaultId: string): BackupKeys {
  const salt = new TextEncoder().encode(vaultId);
  const seed = hkdfSha256(vaultKey, salt, 'afterword/backup/sign/v1');
  const signingKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  seed.fill(0);
  const publicKey = createPublicKey(signingKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    idKey: hkdfSha256(vaultKey, salt, 'afterword/backup/shard-id/v1'),
    shardKey: hkdfSha256(vaultKey, salt, 'afterword/backup/shard/v1'),
    manifestKey: hkdfSha256(vaultKey, salt, 'afterword/backup/manifest/v1'),
    signingKey,
    publicKey,
    publicKeyHex: spki.subarray(ED25519_SPKI_PREFIX.length).toString('hex'),
  };
}

export function publicKeyFromHex(hex: string): KeyObject {
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
}

export function signBytes(keys: BackupKeys, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, data, keys.signingKey));
}

export function verifySignature(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

export function shardIdOf(keys: BackupKeys, plaintext: Uint8Array): string {
  return createHmac('sha256', keys.idKey).update(plaintext).digest('hex');
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
