import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sqliteConnection } from '../db/sqlite-addon.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { Vault } from '../vault/vault.js';
import { deriveBackupKeys } from './backup-keys.js';
import { claimBucket } from './bucket-identity.js';
import { BLOB_CHUNK_BYTES, DATABASE_CHUNK_BYTES, manifestKey, SHARDS_PREFIX } from './bucket-layout.js';
import { encodeManifest, snapshotId, type Manifest, type ManifestBlob } from './manifest.js';
import { confirmReusedShards, IN_FLIGHT, pushFile, type PushContext, type PushProgress } from './shard-transfer.js';
import { UploadLanes } from './upload-lanes.js';
import { readChain, type ChainMark } from './snapshot-chain.js';

export interface PushSummary {
  snapshotId: string;
  seq: number;
  objectsUploaded: number;
  bytesUploaded: number;
  bytesSkipped: number;
  /** The snapshot's plaintext size: the database and every attachment blob. */
  size: number;
  hash: string;
}

/** The copy and the files SQLite keeps beside it. */
const SNAPSHOT_FILE = /^\.backup-[0-9a-f]{16}\.db(-wal|-shm|-journal)?$/;
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/** Copies left by a push that was killed: removed before the next one. */
async function removeLeftovers(dir: string): Promise<void> {
  for (const name of await readdir(dir)) if (SNAPSHOT_FILE.test(name)) await rm(join(dir, name), { force: true });
}

/**
 * Pushes one snapshot of a live vault: a consistent copy of the database (SQLite's online backup,
 * which a writer cannot tear), cut into 64 KiB page-aligned chunks, and every attachment blob the
 * copy refers to; only shards the bucket lacks are uploaded. The manifest is written last, so a
 * push killed at any moment leaves the previous snapshot whole and the next push completes it
 * without uploading again what is there.
 */
export async function pushSnapshot(
  vault: Vault,
  store: ObjectStore,
  options: {
    clock: Clock;
    mark: ChainMark | null;
    onProgress?: (progress: PushProgress) => void;
    /** Aborted: the push stops before its next upload and writes no manifest (the previous snapshot stays the newest). */
    signal?: AbortSignal;
  },
): Promise<PushSummary> {
  const keys = deriveBackupKeys(vault.contentKey.key, vault.vaultId);
  await claimBucket(store, vault, keys);
  const chain = await readChain(store, keys, vault.vaultId, options.mark);
  const previous = chain.at(-1);
  const known = new Set<string>();
  for await (const item of store.list(SHARDS_PREFIX)) known.add(item.key.slice(SHARDS_PREFIX.length));

  await removeLeftovers(vault.dir);
  const copyPath = join(vault.dir, `.backup-${randomBytes(8).toString('hex')}.db`);
  const progress: PushProgress = { objectsUploaded: 0, bytesUploaded: 0, bytesSkipped: 0 };
  const uploads = new UploadLanes(IN_FLIGHT, options.signal);
  const ctx: PushContext = { store, keys, known, reused: new Map(), uploads, progress, onProgress: options.onProgress };
  try {
    await vault.db.sqlite.backup(copyPath);
    // The copy keeps the vault's WAL mode: every reader of it would leave -wal and -shm files.
    useRollbackJournal(copyPath);
    const { pageSize, messages, blobIds } = describeCopy(copyPath);
    if (DATABASE_CHUNK_BYTES % pageSize !== 0)
      throw new Error(`a page size of ${pageSize} bytes does not divide the ${DATABASE_CHUNK_BYTES}-byte chunks`);
    // Blobs first: one deleted (with its message) since the copy was taken is dropped from the
    // copy before the copy is cut, so no restored message names an attachment with no file.
    const blobs: ManifestBlob[] = [];
    const gone: string[] = [];
    for (const id of blobIds) {
      const file = await pushFile(join(vault.blobsDir, id), BLOB_CHUNK_BYTES, ctx).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        },
      );
      if (file) blobs.push({ id, ...file });
      else gone.push(id);
    }
    if (gone.length > 0) dropAttachmentRows(copyPath, gone);
    const database = { ...(await pushFile(copyPath, DATABASE_CHUNK_BYTES, ctx)), pageSize };
    await uploads.idle();
    await confirmReusedShards(ctx);
    const seq = (previous?.seq ?? 0) + 1;
    const size = database.size + blobs.reduce((sum, blob) => sum + blob.size, 0);
    const manifest: Manifest = {
      format: 1,
      vaultId: vault.vaultId,
      seq,
      createdAt: options.clock.now(),
      prev: previous?.hash ?? null,
      database,
      blobs,
      stats: { messages, attachments: blobs.length, bytes: size },
    };
    const { bytes, hash } = encodeManifest(keys, manifest);
    options.signal?.throwIfAborted();
    await store.put(manifestKey(seq), bytes);
    progress.objectsUploaded += 1;
    progress.bytesUploaded += bytes.length;
    return { snapshotId: snapshotId(seq, hash), seq, hash, size, ...progress };
  } catch (error) {
    // Nothing of this push is left running once it has failed (the store closes next).
    await uploads.idle().catch(() => undefined);
    throw error;
  } finally {
    await Promise.all([copyPath, ...SIDE_FILES.map((side) => copyPath + side)].map((f) => rm(f, { force: true })));
  }
}

function useRollbackJournal(path: string): void {
  const copy = sqliteConnection(path);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/** Removes attachment rows from the copy (never the vault), written through to the main file. */
function dropAttachmentRows(path: string, ids: readonly string[]): void {
  const copy = sqliteConnection(path);
  try {
    const drop = copy.prepare('DELETE FROM attachments WHERE id = ?');
    copy.transaction(() => {
      for (const id of ids) drop.run(id);
    })();
  } finally {
    copy.close();
  }
}

/** Facts read from the copy itself, so they match what the snapshot holds. */
function describeCopy(path: string): { pageSize: number; messages: number; blobIds: string[] } {
  const copy = sqliteConnection(path, { readonly: true });
  try {
    const pageSize = copy.pragma('page_size', { simple: true }) as number;
    const messages = (copy.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
    const blobIds = (copy.prepare('SELECT id FROM attachments ORDER BY id').all() as { id: string }[]).map(
      (row) => row.id,
    );
    return { pageSize, messages, blobIds };
  } finally {
    copy.close();
  }
}
