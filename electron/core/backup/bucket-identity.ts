import type { Vault } from '../vault/vault.js';
import type { ObjectStore } from '../ports/object-store.js';
import { BackupTamperedError } from './backup-errors.js';
import type { BackupKeys } from './backup-keys.js';
import { BACKUP_FORMAT, CONFIG_KEY, KEYS_KEY, type BucketConfig, type BucketKeys } from './bucket-layout.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** The vault key's password and recovery wraps, as `keys` carries them (never the device wrap). */
export function bucketKeysOf(vault: Vault): BucketKeys {
  const rows = vault.db.q.all(
    vault.db.kysely.selectFrom('key_wraps').select(['kind', 'kdf', 'params', 'verifier', 'wrapped_key']).where('kind', 'in', ['password', 'recovery']).orderBy('kind'),
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
    throw new BackupTamperedError('foreign', `the bucket's ${key} object is unreadable: it was changed, or is not Afterword's`);
  }
}

export const readConfig = (store: ObjectStore): Promise<BucketConfig | null> => getJson<BucketConfig>(store, CONFIG_KEY);
export const readKeys = (store: ObjectStore): Promise<BucketKeys | null> => getJson<BucketKeys>(store, KEYS_KEY);

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/**
 * Makes the bucket's `config` and `keys` this vault's: written when missing, `keys` again after
 * the password or the recovery key changed. A prefix holding another vault's backups is refused.
 */
export async function claimBucket(store: ObjectStore, vault: Vault, keys: BackupKeys): Promise<void> {
  const config = await readConfig(store);
  if (config && (config.vaultId !== vault.vaultId || config.publicKey !== keys.publicKeyHex)) {
    throw new BackupTamperedError(
      'foreign',
      `${store.where} holds the backups of another vault (${config.vaultId}): choose another bucket or prefix for this one`,
    );
  }
  if (!config) {
    const fresh: BucketConfig = { format: BACKUP_FORMAT, vaultId: vault.vaultId, publicKey: keys.publicKeyHex };
    await store.put(CONFIG_KEY, encode(fresh));
  }
  const wanted = bucketKeysOf(vault);
  const stored = await readKeys(store).catch(() => null);
  if (JSON.stringify(stored) !== JSON.stringify(wanted)) await store.put(KEYS_KEY, encode(wanted));
}
