import type { ObjectStore } from '../ports/object-store.js';
import { BackupTamperedError } from './backup-errors.js';
import type { BackupKeys } from './backup-keys.js';
import { manifestKey, SHARDS_PREFIX } from './bucket-layout.js';
import { fetchShard, inPool } from './shard-transfer.js';
import type { Snapshot } from './snapshot-chain.js';

export interface VerifyReport {
  ok: boolean;
  snapshotId: string;
  seq: number;
  checkedObjects: number;
  problems: string[];
}

/** Downloads and checks every shard of a snapshot; names each missing, changed or swapped one. */
export async function verifySnapshot(store: ObjectStore, keys: BackupKeys, snapshot: Snapshot): Promise<VerifyReport> {
  const { manifest } = snapshot;
  const ids = [...new Set([...manifest.database.shards, ...manifest.blobs.flatMap((blob) => blob.shards)])];
  const problems: string[] = [];
  await inPool(ids, 8, async (id) => {
    try {
      await fetchShard(store, keys, id);
    } catch (error) {
      if (!(error instanceof BackupTamperedError)) throw error;
      problems.push(error.message);
    }
  });
  problems.sort();
  // The manifest itself was checked when the chain was read.
  return { ok: problems.length === 0, snapshotId: snapshot.id, seq: snapshot.seq, checkedObjects: ids.length + 1, problems };
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
 * leaves an unbroken chain), then the shards no kept manifest refers to and older than a day.
 */
export async function pruneSnapshots(store: ObjectStore, chain: Snapshot[], keep: number, now: number): Promise<PruneReport> {
  const kept = chain.slice(-keep);
  const dropped = chain.slice(0, Math.max(0, chain.length - keep));
  for (const snapshot of dropped) await store.delete(manifestKey(snapshot.seq));
  const referenced = new Set(kept.flatMap((s) => [...s.manifest.database.shards, ...s.manifest.blobs.flatMap((b) => b.shards)]));
  const doomed: { key: string; size: number }[] = [];
  for await (const item of store.list(SHARDS_PREFIX)) {
    if (!referenced.has(item.key.slice(SHARDS_PREFIX.length)) && now - item.lastModified > PRUNE_GRACE_MS) doomed.push(item);
  }
  await inPool(doomed, 8, (item) => store.delete(item.key));
  return { keptSnapshots: kept.length, deletedSnapshots: dropped.length, deletedShards: doomed.length, bytesFreed: doomed.reduce((sum, item) => sum + item.size, 0) };
}

