import { open } from 'node:fs/promises';
import type { ObjectStore } from '../ports/object-store.js';
import { BackupTamperedError } from './backup-errors.js';
import { shardIdOf, type BackupKeys } from './backup-keys.js';
import { shardKey } from './bucket-layout.js';
import type { ManifestFile } from './manifest.js';
import { openShard, sealShard } from './shard-codec.js';

/** Requests in flight at once: enough to hide latency, few enough for a home uplink. */
const IN_FLIGHT = 8;

export interface PushProgress {
  objectsUploaded: number;
  bytesUploaded: number;
  bytesSkipped: number;
}

/** Runs `task` over `items` with at most `limit` at once, in order of start; the first failure wins. */
export async function inPool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}

/**
 * Cuts a file into fixed-size chunks and uploads each one the bucket does not hold yet (`known`,
 * updated as it goes). The file is read one window at a time: memory stays flat.
 */
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

export async function pushFile(path: string, chunkBytes: number, ctx: PushContext): Promise<ManifestFile> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const shards: string[] = [];
    const window = IN_FLIGHT;
    for (let offset = 0; offset < size; offset += chunkBytes * window) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < window && offset + i * chunkBytes < size; i++) {
        const length = Math.min(chunkBytes, size - (offset + i * chunkBytes));
        const buffer = new Uint8Array(length);
        await handle.read(buffer, 0, length, offset + i * chunkBytes);
        chunks.push(buffer);
      }
      const ids = chunks.map((chunk) => shardIdOf(ctx.keys, chunk));
      shards.push(...ids);
      await inPool(chunks, IN_FLIGHT, async (chunk, i) => {
        const id = ids[i]!;
        if (ctx.known.has(id)) {
          if (!ctx.reused.has(id)) ctx.reused.set(id, { path, offset: offset + i * chunkBytes, length: chunk.length });
          ctx.progress.bytesSkipped += chunk.length;
          return;
        }
        ctx.known.add(id);
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

/**
 * Confirms that every shard the push reused is still in the bucket (a prune on another machine, or
 * a lifecycle rule, may have removed it since the listing) and uploads again the ones that are not,
 * so the manifest written next never names a missing shard.
 */
export async function confirmReusedShards(ctx: PushContext): Promise<void> {
  await inPool([...ctx.reused], IN_FLIGHT, async ([id, where]) => {
    if (await ctx.store.head(shardKey(id))) return;
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

/** Writes a file back from its shards (fetched a few at a time, written in order), checking its size. */
export async function pullFile(
  store: ObjectStore,
  keys: BackupKeys,
  file: ManifestFile,
  path: string,
  what: string,
): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    let written = 0;
    for (let start = 0; start < file.shards.length; start += IN_FLIGHT) {
      const batch = file.shards.slice(start, start + IN_FLIGHT);
      const parts = await Promise.all(batch.map((id) => fetchShard(store, keys, id)));
      for (const part of parts) {
        await handle.write(part, 0, part.length, written);
        written += part.length;
      }
    }
    if (written !== file.size)
      throw new BackupTamperedError('shard', `${what} came back with ${written} bytes instead of ${file.size}`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
