/** Where things live under the target's prefix. Nothing here is plaintext content. */
export const CONFIG_KEY = 'config';
export const KEYS_KEY = 'keys';
export const SHARDS_PREFIX = 'shards/';
export const MANIFESTS_PREFIX = 'manifests/';

/** The database is cut into chunks of this size: a multiple of every SQLite page size up to 64 KiB. */
export const DATABASE_CHUNK_BYTES = 64 * 1024;
/** Attachment blobs (written once, never changed) in larger shards: fewer requests. */
export const BLOB_CHUNK_BYTES = 4 * 1024 * 1024;

export const BACKUP_FORMAT = 1;

export const shardKey = (id: string): string => `${SHARDS_PREFIX}${id}`;
/** Zero-padded so that a listing sorts by seq. */
export const manifestKey = (seq: number): string => `${MANIFESTS_PREFIX}${String(seq).padStart(10, '0')}`;

export function seqOfManifestKey(key: string): number | null {
  const match = /^manifests\/(\d{10})$/.exec(key);
  return match ? Number(match[1]) : null;
}

/** `config`: public facts only (format, vault id, the public key that checks manifests). */
export interface BucketConfig {
  format: number;
  vaultId: string;
  publicKey: string;
  /** Ed25519 by the backup signing key (see bucket-identity.ts). */
  signature?: string;
}

/** `keys`: the vault key's password and recovery-key wraps, as in the vault (scrypt / HKDF protected). */
export interface BucketKeys {
  vaultId: string;
  keyId: string;
  wraps: { kind: 'password' | 'recovery'; kdf: string; params: string; verifier: string; wrappedKey: string }[];
  /** Ed25519 by the backup signing key (see bucket-identity.ts). */
  signature?: string;
}
