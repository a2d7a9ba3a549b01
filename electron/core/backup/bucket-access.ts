import { createHash } from 'node:crypto';
import type { KeyStore } from '../ports/key-store.js';
import type { ObjectStore } from '../ports/object-store.js';
import { parseRecoveryKey } from '../crypto/recovery-key.js';
import { IntegrityError, NotFoundError } from '../errors.js';
import { unwrapWithPassword, unwrapWithRecoveryKey, type KeyWrapRow, type WrapContext } from '../vault/key-wraps.js';
import { RecoveryKeyWrongError, VaultKeyWrongError, WrongPasswordError } from '../vault/vault-errors.js';
import { BackupTamperedError } from './backup-errors.js';
import { deriveBackupKeys, type BackupKeys } from './backup-keys.js';
import { isSignedBy, KEYS_MISSING, readConfig, readKeys } from './bucket-identity.js';
import { CONFIG_KEY, KEYS_KEY, type BucketConfig, type BucketKeys } from './bucket-layout.js';
import type { ChainMark } from './snapshot-chain.js';

/**
 * What opens a vault's backups: the password or the recovery key (unwrapped through the bucket's
 * `keys`), or the vault key itself when the caller holds it already (a paired standby).
 */
export type BucketSecret = { password: string } | { recoveryKey: string } | { vaultKey: Uint8Array };

/** A bucket whose `config` and `keys` were proven to be the vault's own, and the keys that read it. */
export interface BucketAccess {
  config: BucketConfig;
  bucketKeys: BucketKeys;
  vaultId: string;
  vaultKey: Uint8Array;
  keys: BackupKeys;
  /** The key blobs are sealed under (the vault's content key). */
  contentKey: { id: Uint8Array; key: Uint8Array };
  /** Where this machine's chain mark for these backups is kept (see readChainMark). */
  location: string;
}

/** A vault's backups in one bucket location: the mark of one says nothing about another. */
export const chainLocation = (vaultId: string, store: ObjectStore): string => `${vaultId}|${store.where}`;

const chainMarkAccount = (location: string): string =>
  `backup-chain-${createHash('sha256').update(location).digest('hex').slice(0, 32)}`;

/** The newest snapshot this machine verified of a vault's backups in one location (beside the vault marks). */
export async function readChainMark(marks: KeyStore | undefined, location: string): Promise<ChainMark | null> {
  const raw = await marks?.get(chainMarkAccount(location));
  if (!raw) return null;
  try {
    return JSON.parse(new TextDecoder().decode(raw)) as ChainMark;
  } catch {
    // Dropping it would let an older bucket through unnoticed: say what is wrong instead.
    throw new IntegrityError(
      `this computer's record of the newest backup of vault ${location.split('|')[0]} is unreadable (damaged key store); restore on another computer, or remove the record from the key store if you know why it is damaged`,
    );
  }
}

export async function writeChainMark(marks: KeyStore | undefined, location: string, mark: ChainMark): Promise<void> {
  await marks?.set(chainMarkAccount(location), new TextEncoder().encode(JSON.stringify(mark)));
}

export function wrapRow(bucketKeys: BucketKeys, kind: 'password' | 'recovery'): KeyWrapRow {
  const wrap = bucketKeys.wraps.find((w) => w.kind === kind);
  if (!wrap) throw new BackupTamperedError('missing', `the bucket's keys object has no ${kind} wrap`);
  return {
    kind,
    kdf: wrap.kdf,
    params: wrap.params,
    verifier: Buffer.from(wrap.verifier, 'base64'),
    wrapped_key: Buffer.from(wrap.wrappedKey, 'base64'),
  };
}

async function unwrapVaultKey(bucketKeys: BucketKeys, secret: BucketSecret): Promise<Uint8Array> {
  if ('vaultKey' in secret) return secret.vaultKey;
  const ctx: WrapContext = { vaultId: bucketKeys.vaultId, keyId: Buffer.from(bucketKeys.keyId, 'hex') };
  if ('recoveryKey' in secret) {
    const key = unwrapWithRecoveryKey(wrapRow(bucketKeys, 'recovery'), parseRecoveryKey(secret.recoveryKey), ctx);
    if (!key) throw new RecoveryKeyWrongError();
    return key;
  }
  const key = await unwrapWithPassword(wrapRow(bucketKeys, 'password'), secret.password, ctx);
  if (!key) throw new WrongPasswordError();
  return key;
}

/**
 * Reads the bucket's `config` and `keys`, gets the vault key (unwrapped, or the one given) and
 * proves that both objects are this vault's own (signed by the key derived from it) before the
 * key is used for anything else.
 */
export async function openBucket(store: ObjectStore, secret: BucketSecret): Promise<BucketAccess> {
  const config = await readConfig(store);
  const bucketKeys = await readKeys(store);
  if (!config) throw new NotFoundError('Afterword backup in', store.where);
  if (!bucketKeys) throw new BackupTamperedError('missing', KEYS_MISSING);
  const vaultKey = await unwrapVaultKey(bucketKeys, secret);
  const keys = deriveBackupKeys(vaultKey, config.vaultId);
  if ('vaultKey' in secret && keys.publicKeyHex !== config.publicKey) throw new VaultKeyWrongError(config.vaultId);
  if (bucketKeys.vaultId !== config.vaultId || keys.publicKeyHex !== config.publicKey) {
    throw new BackupTamperedError('foreign', "the bucket's config and keys objects belong to different vaults");
  }
  // The key these wraps gave is used only once they prove to be this vault's own.
  if (!isSignedBy(keys.publicKey, KEYS_KEY, bucketKeys) || !isSignedBy(keys.publicKey, CONFIG_KEY, config)) {
    throw new BackupTamperedError(
      'foreign',
      "the bucket's keys or config object was changed (its signature does not check): it was not written by this vault",
    );
  }
  return {
    config,
    bucketKeys,
    vaultId: config.vaultId,
    vaultKey,
    keys,
    contentKey: { id: Buffer.from(bucketKeys.keyId, 'hex'), key: vaultKey },
    location: chainLocation(config.vaultId, store),
  };
}
