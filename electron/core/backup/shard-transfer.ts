import { open } from 'node:fs/promises';
import type { ObjectStore } from '../ports/object-store.js';
import { BackupTamperedError } from './backup-errors.js';
import { shardIdOf, type BackupKeys } from './backup-keys.js';
import { shardKey, SHARDS_PREFIX } from './bucket-layout.js';
import type { ManifestFile } from './manifest.js';
import { openShard, sealShard } from './shard-codec.js';
import type { UploadLanes } from './upload-lanes.js';

/** Requests in flight at once: enough to hide latency, few enough for a home uplink. */
export const IN_FLIGHT = 8;

export interface PushProgress {
  objectsUploaded: number;
  bytesUploaded: number;
  bytesSkipped: number;
}

/**
 * Runs `task` over `items` with at most `limit` at once, in order of start. The first failure stops
 * new tasks and is thrown once the running ones have settled (nothing is left writing behind it).
 */
export async function inPool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | null = null;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await task(items[index]!, index);
      } catch (error) {
        failed ??= { error };
      }
    }
  });
  await Promise.all(lanes);
  if (failed) throw (failed as { error: unknown }).error;
}

/** Where a shard the push did not upload (the bucket listed it) can be read again. */
export interface ReusedShard {
  path: string;
  offset: number;
  length: number;
}

export interface PushContext {
  store: ObjectStore;
  keys: BackupKeys;
  known: Set<string>;
  /** Shards skipped because the listing showed them: confirmed again before the manifest is written. */
  reused: Map<string, ReusedShard>;
  /** Every upload of the push, across files: the lanes stay busy from one file to the next. */
  uploads: UploadLanes;
  progress: PushProgress;
  onProgress?: (p: PushProgress) => void;
}

async function uploadShard(ctx: PushContext, id: string, chunk: Uint8Array): Promise<void> {
  const sealed = sealShard(ctx.keys, id, chunk);
  await ctx.store.put(shardKey(id), sealed);
  ctx.progress.objectsUploaded += 1;
  ctx.progress.bytesUploaded += sealed.length;
  ctx.onProgress?.(ctx.progress);
}

/**
 * Cuts a file into fixed-size chunks and hands each one the bucket does not hold yet (`known`,
 * updated as it goes) to the push's upload lanes. A chunk is read only when a lane is free, so
 * memory stays at a few chunks whatever the file's size; the caller waits for `ctx.uploads.idle()`.
 */
export async function pushFile(path: string, chunkBytes: number, ctx: PushContext): Promise<ManifestFile> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const shards: string[] = [];
    for (let offset = 0; offset < size; offset += chunkBytes) {
      await ctx.uploads.free();
      const chunk = new Uint8Array(Math.min(chunkBytes, size - offset));
      await handle.read(chunk, 0, chunk.length, offset);
      const id = shardIdOf(ctx.keys, chunk);
      shards.push(id);
      if (ctx.known.has(id)) {
        if (!ctx.reused.has(id)) ctx.reused.set(id, { path, offset, length: chunk.length });
        ctx.progress.bytesSkipped += chunk.length;
        continue;
      }
      ctx.known.add(id);
      ctx.uploads.start(async () => {
        try {
          await uploadShard(ctx, id, chunk);
        } catch (error) {
          ctx.known.delete(id);
          throw error;
        }
        // Uploaded by this push: no need to confirm it again.
        ctx.reused.delete(id);
      });
    }
    return { size, chunkBytes, shards };
  } finally {
    await handle.close();
  }
}

/** Keys in one listing page (S3's default and maximum). */
const LIST_PAGE_KEYS = 1000;

/** Whether each reused shard is in the bucket now: one listing, or a HEAD each when that asks less. */
async function presenceCheck(ctx: PushContext): Promise<(id: string) => Promise<boolean>> {
  if (ctx.reused.size <= Math.ceil(ctx.known.size / LIST_PAGE_KEYS))
    return async (id) => (await ctx.store.head(shardKey(id))) !== null;
  const listed = new Set<string>();
  for await (const item of ctx.store.list(SHARDS_PREFIX)) listed.add(item.key.slice(SHARDS_PREFIX.length));
  return async (id) => listed.has(id);
}

/**
 * Confirms that every shard the push reused is still in the bucket (a prune on another machine, or
 * a lifecycle rule, may have removed it since the first listing) and uploads again the ones that
 * are not, so the manifest written next never names a missing shard. Call once the push's uploads
 * are done.
 */
export async function confirmReusedShards(ctx: PushContext): Promise<void> {
  const present = await presenceCheck(ctx);
  await inPool([...ctx.reused], IN_FLIGHT, async ([id, where]) => {
    if (await present(id)) return;
    const handle = await open(where.path, 'r');
    try {
      const chunk = new Uint8Array(where.length);
      await handle.read(chunk, 0, where.length, where.offset);
      if (shardIdOf(ctx.keys, chunk) !== id) throw new Error(`${where.path} changed while it was being backed up`);
      await uploadShard(ctx, id, chunk);
    } finally {
      await handle.close();
    }
  });
}

/** Downloads and checks one shard; a missing or damaged one is named. */
export async function fetchShard(store: ObjectStore, keys: BackupKeys, id: string): Promise<Uint8Array> {
  const object = await store.get(shardKey(id));
  if (!object) throw new BackupTamperedError('missing', `shard ${id} is missing from the bucket`);
  return openShard(keys, id, object);
}

/**
 * Writes a file back from its shards, checking its size: `IN_FLIGHT` fetches kept going (a new one
 * starts as soon as the oldest is written), written in order, so memory holds a few shards at most.
 * `fetch` gets one shard's checked bytes (a follower takes some from its local copy instead).
 */
export async function pullFile(
  store: ObjectStore,
  keys: BackupKeys,
  file: ManifestFile,
  path: string,
  what: string,
  fetch: (id: string) => Promise<Uint8Array> = (id) => fetchShard(store, keys, id),
): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  const pending: Promise<Uint8Array>[] = [];
  try {
    let written = 0;
    const writeOldest = async (): Promise<void> => {
      const part = await pending.shift()!;
      await handle.write(part, 0, part.length, written);
      written += part.length;
    };
    for (const id of file.shards) {
      if (pending.length >= IN_FLIGHT) await writeOldest();
      const fetching = fetch(id);
      // Awaited in order by writeOldest; a failure meanwhile must not count as unhandled.
      fetching.catch(() => undefined);
      pending.push(fetching);
    }
    while (pending.length > 0) await writeOldest();
    if (written !== file.size)
      throw new BackupTamperedError('shard', `${what} came back with ${written} bytes instead of ${file.size}`);
    await handle.sync();
  } finally {
    await Promise.allSettled(pending);
    await handle.close();
  }
}
