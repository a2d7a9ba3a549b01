import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../ports/clock.js';
import type { KeyStore } from '../ports/key-store.js';
import type { Logger } from '../ports/logger.js';
import type { ObjectStore } from '../ports/object-store.js';
import { BackupTamperedError } from '../backup/backup-errors.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import { openBucket, readChainMark, writeChainMark, type BucketAccess } from '../backup/bucket-access.js';
import { manifestKey, MANIFESTS_PREFIX, seqOfManifestKey } from '../backup/bucket-layout.js';
import { decodeManifest, snapshotId, type ManifestBlob } from '../backup/manifest.js';
import { pullCheckedBlobs } from '../backup/snapshot-checks.js';
import { readChain, type ChainMark, type Snapshot } from '../backup/snapshot-chain.js';
import { blobsPath, databasePath } from '../vault/vault-paths.js';
import {
  assembleFile,
  assertCopyIsVault,
  chunkIdsOf,
  sizeOf,
  syncFolder,
  writeFileAtomically,
  type TransferCounts,
} from './followed-files.js';

/** The snapshot the local copy holds. */
export interface AppliedSnapshot {
  seq: number;
  snapshotId: string;
  hash: string;
  /** When the primary took it (the manifest's createdAt). */
  createdAt: number;
}

export interface FollowResult extends TransferCounts {
  /** A newer snapshot was put in place by this sync. */
  swapped: boolean;
  applied: AppliedSnapshot;
  blobsDownloaded: number;
  blobsRemoved: number;
}

export interface SnapshotFollowerDeps {
  store: ObjectStore;
  /** The vault key (from pairing) and the vault it opens. */
  vaultKey: Uint8Array;
  vaultId: string;
  /** The local copy's folder: `vault.db`, `blobs/` and the follower's record of what it applied. */
  dir: string;
  clock: Clock;
  logger: Logger;
  /** This machine's chain marks (as restore keeps them): a bucket older than what was verified is refused. */
  marks?: KeyStore;
}

/** What the follower wrote after its last swap; trusted only while the database still matches it. */
interface FollowState extends AppliedSnapshot {
  format: 1;
  vaultId: string;
  chunkBytes: number;
  databaseShards: string[];
}

export const FOLLOW_STATE_FILE = 'follow-state.json';
const STAGING_DB = /^\.follow-[0-9a-f]{12}\.db$/;
const TEMP_BLOB_SUFFIX = '.tmp-follow';
/** Journal files beside the database: the copy is never written in place, so any found are not its own. */
const JOURNALS = ['-wal', '-shm', '-journal'];

/**
 * Keeps a local copy of a vault in step with the newest snapshot of its backups (a standby's view
 * of the primary). The copy is the primary's exact state as of that snapshot: the database's
 * bytes as pushed (plan states, check-ins, warnings sent, outbox receipts, audit log, the
 * primary's key wraps and settings included) and every attachment blob it names. Nothing is
 * settled or changed in it, and nothing here runs a scheduler on it: open it with
 * openFollowedCopy (read-only, with the vault key), and decide elsewhere whether it ever runs.
 *
 * Each sync is incremental: database chunks the local copy already holds (cut and named as the
 * push cuts them) are copied, only the missing shards are downloaded; blobs (written once under
 * a random id, never changed) present are kept. The new database is written beside the old one,
 * checked, fsynced and renamed over it; new blobs land before that rename, unreferenced ones go
 * after it. A crash at any moment leaves the old copy or the new one, never a mix.
 */
export class SnapshotFollower {
  private state: FollowState | null = null;
  /** The last record's snapshot even when the database no longer matches it: never followed below. */
  private recorded: ChainMark | null = null;
  private loaded = false;
  private readonly swappedListeners = new Set<(applied: AppliedSnapshot) => void>();
  private running: Promise<FollowResult> | null = null;
  private access: BucketAccess | null = null;

  constructor(private readonly deps: SnapshotFollowerDeps) {}

  get appliedSeq(): number | null {
    return this.state?.seq ?? null;
  }

  get appliedSnapshotId(): string | null {
    return this.state?.snapshotId ?? null;
  }

  /** The primary's time of the applied snapshot (manifest createdAt). */
  get appliedAt(): number | null {
    return this.state?.createdAt ?? null;
  }

  /** Called after each swap, once the new copy is in place: a process holding the old one reopens it. */
  on(event: 'swapped', listener: (applied: AppliedSnapshot) => void): () => void {
    this.swappedListeners.add(listener);
    return () => this.swappedListeners.delete(listener);
  }

  /** Reads what the local copy holds (done by the first sync anyway). */
  async load(): Promise<AppliedSnapshot | null> {
    if (!this.loaded) {
      this.state = await this.readState();
      this.loaded = true;
    }
    return this.applied();
  }

  /** One sync at a time: a second call while one runs waits for it. */
  syncToLatest(): Promise<FollowResult> {
    this.running ??= this.sync().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private applied(): AppliedSnapshot | null {
    if (!this.state) return null;
    const { seq, snapshotId: id, hash, createdAt } = this.state;
    return { seq, snapshotId: id, hash, createdAt };
  }

  private async sync(): Promise<FollowResult> {
    await this.load();
    const { store, logger } = this.deps;
    const access = (this.access ??= await this.openBucket());
    const mark = await readChainMark(this.deps.marks, access.location);
    const unchanged = await this.unchangedSince(access, mark);
    if (unchanged) return unchanged;
    const chain = await readChain(store, access.keys, access.vaultId, this.floorMark(mark));
    const newest = chain.at(-1)!;
    await writeChainMark(this.deps.marks, access.location, { seq: newest.seq, hash: newest.hash });
    const counts: TransferCounts = { shardsDownloaded: 0, bytesDownloaded: 0, shardsReused: 0 };
    if (this.state?.hash === newest.hash)
      return { swapped: false, applied: this.applied()!, ...counts, blobsDownloaded: 0, blobsRemoved: 0 };
    const result = await this.apply(access, newest, counts);
    logger.info('followed a newer snapshot', {
      seq: newest.seq,
      shardsDownloaded: result.shardsDownloaded,
      shardsReused: result.shardsReused,
      blobsDownloaded: result.blobsDownloaded,
    });
    return result;
  }

  /**
   * The bucket's config and keys, checked once: manifests and shards are checked against keys
   * derived from the vault key itself, so later polls need not read them again.
   */
  private async openBucket(): Promise<BucketAccess> {
    const { store, vaultKey, vaultId } = this.deps;
    const access = await openBucket(store, { vaultKey });
    if (access.vaultId !== vaultId)
      throw new BackupTamperedError(
        'foreign',
        `${store.where} holds the backups of vault ${access.vaultId}, not of vault ${vaultId}`,
      );
    return access;
  }

  /**
   * The cheap poll: one listing of the manifests and, when its newest is the one applied, that one
   * manifest read and checked again (signature, seq, the same hash). Anything else reads the chain.
   */
  private async unchangedSince(access: BucketAccess, mark: ChainMark | null): Promise<FollowResult | null> {
    const { store } = this.deps;
    let newestSeq = 0;
    for await (const item of store.list(MANIFESTS_PREFIX))
      newestSeq = Math.max(newestSeq, seqOfManifestKey(item.key) ?? 0);
    const floor = this.floorMark(mark);
    if (floor && newestSeq < floor.seq) {
      throw new BackupTamperedError(
        'rollback',
        `the bucket was rolled back or cut: its newest snapshot is ${newestSeq || 'none'}, but snapshot ${floor.seq} was followed before`,
      );
    }
    if (!this.state || newestSeq !== this.state.seq) return null;
    const bytes = await store.get(manifestKey(newestSeq));
    if (!bytes) return null;
    const { hash, manifest } = decodeManifest(access.keys, access.vaultId, newestSeq, bytes);
    if (hash !== this.state.hash) {
      throw new BackupTamperedError(
        'fork',
        `snapshot ${newestSeq} in the bucket is not the one this copy followed: the history was rewritten`,
      );
    }
    // What a sync killed after its swap left behind (local only: no request).
    await this.removeLeftovers();
    const blobsRemoved = await this.removeUnreferencedBlobs(manifest.blobs);
    return {
      swapped: false,
      applied: this.applied()!,
      shardsDownloaded: 0,
      bytesDownloaded: 0,
      shardsReused: 0,
      blobsDownloaded: 0,
      blobsRemoved,
    };
  }

  /** The newest of this machine's chain mark and the snapshot applied: the bucket may not go below it. */
  private floorMark(mark: ChainMark | null): ChainMark | null {
    const applied = this.state ? { seq: this.state.seq, hash: this.state.hash } : this.recorded;
    if (!mark) return applied;
    if (!applied) return mark;
    return applied.seq >= mark.seq ? applied : mark;
  }

  private async apply(access: BucketAccess, snapshot: Snapshot, counts: TransferCounts): Promise<FollowResult> {
    const { dir } = this.deps;
    const { manifest } = snapshot;
    await mkdir(blobsPath(dir), { recursive: true, mode: 0o700 });
    await this.removeLeftovers();
    // New blobs first, under their final names only once whole and checked: the old database
    // names none of them, so the old copy stays whole whatever happens next.
    const missing: ManifestBlob[] = [];
    for (const blob of manifest.blobs)
      if ((await sizeOf(join(blobsPath(dir), blob.id))) !== blob.size) missing.push(blob);
    await pullCheckedBlobs(
      this.deps.store,
      access.keys,
      missing,
      access.contentKey,
      (blob) => join(blobsPath(dir), `${blob.id}${TEMP_BLOB_SUFFIX}`),
      async (blob, path) => {
        await rename(path, join(blobsPath(dir), blob.id));
        counts.shardsDownloaded += blob.shards.length;
        counts.bytesDownloaded += blob.size;
      },
    );
    await syncFolder(blobsPath(dir));

    const current = databasePath(dir);
    const staging = join(dir, `.follow-${randomBytes(6).toString('hex')}.db`);
    try {
      const { chunks: local } = await chunkIdsOf(current, manifest.database.chunkBytes, access.keys);
      const source = { store: this.deps.store, keys: access.keys, local, localPath: current };
      await assembleFile(source, manifest.database, staging, counts);
      await assertCopyIsVault(staging, access.vaultId);
      await Promise.all(JOURNALS.map((suffix) => rm(`${current}${suffix}`, { force: true })));
      await rename(staging, current);
      await syncFolder(dir);
    } catch (error) {
      await rm(staging, { force: true });
      throw error;
    }
    const state: FollowState = {
      format: 1,
      vaultId: access.vaultId,
      seq: snapshot.seq,
      snapshotId: snapshotId(snapshot.seq, snapshot.hash),
      hash: snapshot.hash,
      createdAt: manifest.createdAt,
      chunkBytes: manifest.database.chunkBytes,
      databaseShards: manifest.database.shards,
    };
    await writeFileAtomically(join(dir, FOLLOW_STATE_FILE), new TextEncoder().encode(JSON.stringify(state)));
    await syncFolder(dir);
    this.state = state;
    this.recorded = { seq: state.seq, hash: state.hash };
    const applied = this.applied()!;
    for (const listener of this.swappedListeners) listener(applied);
    const blobsRemoved = await this.removeUnreferencedBlobs(manifest.blobs);
    return { swapped: true, applied, ...counts, blobsDownloaded: missing.length, blobsRemoved };
  }

  /** Staging databases and temp blobs a killed sync left: never part of the copy. */
  private async removeLeftovers(): Promise<void> {
    const { dir } = this.deps;
    for (const name of await readdir(dir)) if (STAGING_DB.test(name)) await rm(join(dir, name), { force: true });
    for (const name of await readdir(blobsPath(dir)))
      if (name.endsWith(TEMP_BLOB_SUFFIX)) await rm(join(blobsPath(dir), name), { force: true });
  }

  private async removeUnreferencedBlobs(blobs: readonly ManifestBlob[]): Promise<number> {
    const kept = new Set(blobs.map((blob) => blob.id));
    const names = await readdir(blobsPath(this.deps.dir));
    const gone = names.filter((name) => !kept.has(name) && !name.endsWith(TEMP_BLOB_SUFFIX));
    for (const name of gone) await rm(join(blobsPath(this.deps.dir), name), { force: true });
    return gone.length;
  }

  /**
   * The record of the last swap, if the database on disk is still the one it describes: a sync
   * killed between the swap and the record leaves a newer database and an older record, and then
   * nothing is claimed (the next sync rebuilds from what is there, downloading nothing it holds).
   */
  private async readState(): Promise<FollowState | null> {
    const raw = await readFile(join(this.deps.dir, FOLLOW_STATE_FILE), 'utf8').catch(() => null);
    if (!raw) return null;
    let state: FollowState;
    try {
      state = JSON.parse(raw) as FollowState;
    } catch {
      this.deps.logger.warn('the follower record is unreadable; the next sync rebuilds the copy');
      return null;
    }
    if (state.format !== 1 || state.vaultId !== this.deps.vaultId) return null;
    this.recorded = { seq: state.seq, hash: state.hash };
    const keys = deriveBackupKeys(this.deps.vaultKey, this.deps.vaultId);
    const { order } = await chunkIdsOf(databasePath(this.deps.dir), state.chunkBytes, keys);
    if (order.join() !== state.databaseShards.join()) return null;
    return state;
  }
}
