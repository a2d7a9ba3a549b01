import type { Vault } from '../vault/vault.js';
import type { ObjectStore } from '../ports/object-store.js';
import { BackupTamperedError } from './backup-errors.js';
import { signBytes, verifySignature, type BackupKeys } from './backup-keys.js';
import type { KeyObject } from 'node:crypto';
import { BACKUP_FORMAT, CONFIG_KEY, KEYS_KEY, type BucketConfig, type BucketKeys } from './bucket-layout.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** The vault key's password and recovery wraps, as `keys` carries them (never the device wrap). */
export function bucketKeysOf(vault: Vault): BucketKeys {
  const rows = vault.db.q.all(
    vault.db.kysely
      .selectFrom('key_wraps')
      .select(['kind', 'kdf', 'params', 'verifier', 'wrapped_key'])
      .where('kind', 'in', ['password', 'recovery'])
      .orderBy('kind'),
  );
  const keyId = vault.db.q.get(vault.db.kysely.selectFrom('vault_info').select('key_id').where('id', '=', 1))!.key_id;
  return {
    vaultId: vault.vaultId,
    keyId: Buffer.from(keyId).toString('hex'),
    wraps: rows.map((row) => ({
      kind: row.kind as 'password' | 'recovery',
      kdf: row.kdf,
      params: row.params,
      verifier: b64(row.verifier),
      wrappedKey: b64(row.wrapped_key),
    })),
  };
}

async function getJson<T>(store: ObjectStore, key: string): Promise<T | null> {
  const bytes = await store.get(key);
  if (!bytes) return null;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch {
    throw new BackupTamperedError(
      'foreign',
      `the bucket's ${key} object is unreadable: it was changed, or is not Afterword's`,
    );
  }
}

export const readConfig = (store: ObjectStore): Promise<BucketConfig | null> =>
  getJson<BucketConfig>(store, CONFIG_KEY);
export const readKeys = (store: ObjectStore): Promise<BucketKeys | null> => getJson<BucketKeys>(store, KEYS_KEY);

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/**
 * `config` and `keys` are signed with the backup signing key (derived from the vault key): a bucket
 * holder cannot swap the wraps or the public key unnoticed. Each object signs its own JSON without
 * the signature, under a label of its own (one object's signature is no other's).
 */
const signedBytes = (key: string, value: object): Uint8Array => {
  const { signature: _signature, ...body } = value as { signature?: string };
  return new TextEncoder().encode(`afterword/backup/${key}/v1\n${JSON.stringify(body)}`);
};

function signed<T extends object>(keys: BackupKeys, key: string, value: T): T & { signature: string } {
  return { ...value, signature: b64(signBytes(keys, signedBytes(key, value))) };
}

/** Whether the bucket's `config` or `keys` object carries a good signature by this key. */
export function isSignedBy(
  publicKey: KeyObject,
  key: typeof CONFIG_KEY | typeof KEYS_KEY,
  value: BucketConfig | BucketKeys,
): boolean {
  if (typeof value.signature !== 'string') return false;
  return verifySignature(publicKey, signedBytes(key, value), Buffer.from(value.signature, 'base64'));
}

/** The problems `backup verify` and `restore` name for the bucket's `config` and `keys`. */
export async function identityProblems(store: ObjectStore, keys: BackupKeys): Promise<string[]> {
  const problems: string[] = [];
  const config = await readConfig(store).catch(() => null);
  const stored = await readKeys(store).catch(() => null);
  if (!config) problems.push("the bucket's config object is missing or unreadable");
  else if (!isSignedBy(keys.publicKey, CONFIG_KEY, config))
    problems.push("the bucket's config object was changed (its signature does not check)");
  if (!stored) problems.push(KEYS_MISSING);
  else if (!isSignedBy(keys.publicKey, KEYS_KEY, stored))
    problems.push("the bucket's keys object was changed (its signature does not check)");
  return problems;
}

export const KEYS_MISSING =
  "the bucket's keys object is missing: it holds the vault key wrapped under the password and the recovery key, and without it nothing can be restored; push again from the vault (afterword backup now) to write it back";

/** A signature is there but does not check: somebody without the vault key changed the object. */
const forged = (publicKey: KeyObject, key: typeof CONFIG_KEY | typeof KEYS_KEY, value: BucketConfig | BucketKeys) =>
  typeof value.signature === 'string' && !isSignedBy(publicKey, key, value);

/**
 * Makes the bucket's `config` and `keys` this vault's: written (signed) when missing or unsigned
 * (an older format), `keys` again after the password or the recovery key changed. A prefix holding
 * another vault's backups is refused. An object whose signature does not check was changed by
 * someone without the vault key: it is written again from the vault (so that a restore keeps
 * working) and then the push fails with BackupTamperedError, so that the owner is told once.
 */
export async function claimBucket(store: ObjectStore, vault: Vault, keys: BackupKeys): Promise<void> {
  const config = await readConfig(store);
  if (config && (config.vaultId !== vault.vaultId || config.publicKey !== keys.publicKeyHex)) {
    throw new BackupTamperedError(
      'foreign',
      `${store.where} holds the backups of another vault (${config.vaultId}): choose another bucket or prefix for this one`,
    );
  }
  const rewritten: string[] = [];
  if (!config || !isSignedBy(keys.publicKey, CONFIG_KEY, config)) {
    if (config && forged(keys.publicKey, CONFIG_KEY, config)) rewritten.push(CONFIG_KEY);
    const fresh: BucketConfig = { format: BACKUP_FORMAT, vaultId: vault.vaultId, publicKey: keys.publicKeyHex };
    await store.put(CONFIG_KEY, encode(signed(keys, CONFIG_KEY, fresh)));
  }
  const wanted = signed(keys, KEYS_KEY, bucketKeysOf(vault));
  const stored = await readKeys(store).catch(() => null);
  if (JSON.stringify(stored) !== JSON.stringify(wanted)) {
    if (stored && forged(keys.publicKey, KEYS_KEY, stored)) rewritten.push(KEYS_KEY);
    await store.put(KEYS_KEY, encode(wanted));
  }
  if (rewritten.length > 0) {
    throw new BackupTamperedError(
      'identity',
      `the bucket's ${rewritten.join(' and ')} object was changed by someone without the vault key (its signature did not check); it was written again from this vault. Check who can write to ${store.where}, then run afterword backup verify`,
    );
  }
}
