import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { ObjectStore } from '../ports/object-store.js';
import { readEncryptedBlobFile } from '../crypto/blob-stream.js';
import { BackupTamperedError } from './backup-errors.js';
import type { BackupKeys } from './backup-keys.js';
import type { ManifestBlob } from './manifest.js';
import { inPool, IN_FLIGHT, pullFile } from './shard-transfer.js';

/** SQLite's integrity check on a database written back from shards; throws naming what fails. */
export function assertDatabaseIntact(db: Database.Database, what: string): void {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
  if (problems.length > 0)
    throw new BackupTamperedError('shard', `${what} fails SQLite's integrity check: ${problems.join('; ')}`);
}

/** Every chunk authenticated under the vault key, as the attachment it is named: it opens, whole. */
export async function assertBlobOpens(
  path: string,
  blobId: string,
  contentKey: { id: Uint8Array; key: Uint8Array },
): Promise<void> {
  for await (const chunk of readEncryptedBlobFile(path, { key: contentKey, blobId })) void chunk;
}

/**
 * Writes attachment blobs back from their shards, each checked (assertBlobOpens). `pathOf` says
 * where each goes. Attachments of one shard several at a time (one request each), larger ones one
 * by one (each keeps its own requests going): never more than IN_FLIGHT shards in flight or in memory.
 */
export async function pullCheckedBlobs(
  store: ObjectStore,
  keys: BackupKeys,
  blobs: readonly ManifestBlob[],
  contentKey: { id: Uint8Array; key: Uint8Array },
  pathOf: (blob: ManifestBlob) => string,
  done: (blob: ManifestBlob, path: string) => Promise<void> = async () => undefined,
): Promise<void> {
  const pullOne = async (blob: ManifestBlob): Promise<void> => {
    const path = pathOf(blob);
    await pullFile(store, keys, blob, path, `attachment ${blob.id}`);
    await assertBlobOpens(path, blob.id, contentKey);
    await done(blob, path);
  };
  await inPool(
    blobs.filter((blob) => blob.shards.length <= 1),
    IN_FLIGHT,
    pullOne,
  );
  for (const blob of blobs.filter((b) => b.shards.length > 1)) await pullOne(blob);
}

export const blobPathIn = (dir: string) => (blob: ManifestBlob) => join(dir, blob.id);
