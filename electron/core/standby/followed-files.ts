import { open, rename, rm, stat } from 'node:fs/promises';
import { loadIntoMemory } from '../db/in-memory-copy.js';
import type { ObjectStore } from '../ports/object-store.js';
import { shardIdOf, type BackupKeys } from '../backup/backup-keys.js';
import { BackupTamperedError } from '../backup/backup-errors.js';
import type { ManifestFile } from '../backup/manifest.js';
import { assertDatabaseIntact } from '../backup/snapshot-checks.js';
import { fetchShard, pullFile } from '../backup/shard-transfer.js';

/** Where each chunk of the local copy's database sits, by shard id (as the push names them). */
export type LocalChunks = Map<string, { offset: number; length: number }>;

/** What one sync took from the bucket and from the local copy. */
export interface TransferCounts {
  shardsDownloaded: number;
  bytesDownloaded: number;
  shardsReused: number;
}

/**
 * Cuts the local file the way the push cuts the database (fixed-size chunks, HMAC ids under the
 * backup id key): a chunk whose id the new snapshot names is the same bytes, no need to download it.
 */
export async function chunkIdsOf(
  path: string,
  chunkBytes: number,
  keys: BackupKeys,
): Promise<{ chunks: LocalChunks; order: string[] }> {
  const chunks: LocalChunks = new Map();
  const order: string[] = [];
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!handle) return { chunks, order };
  try {
    const { size } = await handle.stat();
    for (let offset = 0; offset < size; offset += chunkBytes) {
      const chunk = new Uint8Array(Math.min(chunkBytes, size - offset));
      await handle.read(chunk, 0, chunk.length, offset);
      const id = shardIdOf(keys, chunk);
      order.push(id);
      if (!chunks.has(id)) chunks.set(id, { offset, length: chunk.length });
    }
  } finally {
    await handle.close();
  }
  return { chunks, order };
}

/**
 * Writes `file` at `path` from its shards: those the local copy holds (`local`, read from
 * `localPath` and checked against their id again) are copied, the others downloaded and checked
 * (fetchShard), as pullFile writes a restored file: in order, fsynced, its size checked.
 */
export async function assembleFile(
  source: { store: ObjectStore; keys: BackupKeys; local: LocalChunks; localPath: string },
  file: ManifestFile,
  path: string,
  counts: TransferCounts,
): Promise<void> {
  const { store, keys, local, localPath } = source;
  const localHandle = local.size > 0 ? await open(localPath, 'r') : null;
  const readLocal = async (id: string): Promise<Uint8Array> => {
    const where = local.get(id)!;
    const chunk = new Uint8Array(where.length);
    await localHandle!.read(chunk, 0, where.length, where.offset);
    if (shardIdOf(keys, chunk) !== id) throw new Error(`${localPath} changed while the follower read it`);
    counts.shardsReused += 1;
    return chunk;
  };
  const download = async (id: string): Promise<Uint8Array> => {
    const chunk = await fetchShard(store, keys, id);
    counts.shardsDownloaded += 1;
    counts.bytesDownloaded += chunk.length;
    return chunk;
  };
  try {
    await pullFile(store, keys, file, path, 'the database', (id) => (local.has(id) ? readLocal(id) : download(id)));
  } finally {
    await localHandle?.close();
  }
}

/** The checks a new copy passes before it replaces the old one: SQLite's integrity check, and the vault's identity. */
export async function assertCopyIsVault(path: string, vaultId: string): Promise<void> {
  const db = await loadIntoMemory(path);
  try {
    assertDatabaseIntact(db, 'the followed database');
    const info = db.prepare('SELECT vault_id FROM vault_info WHERE id = 1').get() as { vault_id: string } | undefined;
    if (info?.vault_id !== vaultId)
      throw new BackupTamperedError('foreign', `the snapshot's database is not vault ${vaultId}'s`);
  } finally {
    db.close();
  }
}

/** Flushes a folder's entries (a rename in it) to disk; not every platform can (Windows). */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EISDIR / EPERM on platforms without directory fsync: the rename is still atomic.
  } finally {
    await handle.close();
  }
}

/** Writes `bytes` at `path` whole or not at all: a temp file beside it, fsynced, renamed. */
export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.tmp`;
  await rm(temp, { force: true });
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.write(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

export async function sizeOf(path: string): Promise<number | null> {
  return stat(path).then(
    (s) => s.size,
    () => null,
  );
}
