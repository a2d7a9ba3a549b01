import type { ObjectStore } from '../ports/object-store.js';
import { NotFoundError } from '../errors.js';
import { BackupTamperedError } from './backup-errors.js';
import type { BackupKeys } from './backup-keys.js';
import { manifestKey, MANIFESTS_PREFIX, SHARDS_PREFIX } from './bucket-layout.js';
import { fetchShard, inPool } from './shard-transfer.js';
import type { Snapshot } from './snapshot-chain.js';

export interface VerifyReport {
  ok: boolean;
  snapshotId: string;
  seq: number;
  checkedObjects: number;
  problems: string[];
}

/**
 * Downloads and checks every shard of a snapshot; names each missing, changed or swapped one.
 * Verifying takes no lock: a prune elsewhere may drop an older snapshot meanwhile, its manifest
 * first, then the shards only it used. Shards gone with such a manifest are that prune's work, not
 * damage: the snapshot is then said to be gone. The newest snapshot is never pruned (`prunable`
 * false): whatever it lost is reported.
 */
export async function verifySnapshot(
  store: ObjectStore,
  keys: BackupKeys,
  snapshot: Snapshot,
  { prunable }: { prunable: boolean },
): Promise<VerifyReport> {
  const { manifest } = snapshot;
  const ids = [...new Set([...manifest.database.shards, ...manifest.blobs.flatMap((blob) => blob.shards)])];
  const problems: string[] = [];
  let missing = 0;
  await inPool(ids, 8, async (id) => {
    try {
      await fetchShard(store, keys, id);
    } catch (error) {
      if (!(error instanceof BackupTamperedError)) throw error;
      if (error.problem === 'missing') missing++;
      problems.push(error.message);
    }
  });
  if (prunable && missing > 0 && !(await store.head(manifestKey(snapshot.seq))))
    throw new NotFoundError('snapshot', `#${snapshot.seq} (pruned from the bucket while it was being verified)`);
  problems.sort();
  // The manifest itself was checked when the chain was read.
  return {
    ok: problems.length === 0,
    snapshotId: snapshot.id,
    seq: snapshot.seq,
    checkedObjects: ids.length + 1,
    problems,
  };
}

export interface PruneReport {
  keptSnapshots: number;
  deletedSnapshots: number;
  deletedShards: number;
  bytesFreed: number;
}

/** Shards younger than this are kept even when no kept manifest names them: a push may be writing them. */
export const PRUNE_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Keeps the newest `keep` snapshots. Older manifests go first, oldest first (so an interrupted prune
 * leaves an unbroken chain), then the shards no kept manifest refers to and a day older than the
 * newest object in the bucket. Ages are measured on the server's clock only (its LastModified),
 * never against this machine's clock, which may be days off or jump.
 */
export async function pruneSnapshots(store: ObjectStore, chain: Snapshot[], keep: number): Promise<PruneReport> {
  const kept = chain.slice(-keep);
  const dropped = chain.slice(0, Math.max(0, chain.length - keep));
  let newest = 0;
  for await (const item of store.list(MANIFESTS_PREFIX)) newest = Math.max(newest, item.lastModified);
  for (const snapshot of dropped) await store.delete(manifestKey(snapshot.seq));
  const referenced = new Set(
    kept.flatMap((s) => [...s.manifest.database.shards, ...s.manifest.blobs.flatMap((b) => b.shards)]),
  );
  const unreferenced: { key: string; size: number; lastModified: number }[] = [];
  for await (const item of store.list(SHARDS_PREFIX)) {
    newest = Math.max(newest, item.lastModified);
    if (!referenced.has(item.key.slice(SHARDS_PREFIX.length))) unreferenced.push(item);
  }
  const doomed = unreferenced.filter((item) => newest - item.lastModified > PRUNE_GRACE_MS);
  await inPool(doomed, 8, (item) => store.delete(item.key));
  return {
    keptSnapshots: kept.length,
    deletedSnapshots: dropped.length,
    deletedShards: doomed.length,
    bytesFreed: doomed.reduce((sum, item) => sum + item.size, 0),
  };
}
