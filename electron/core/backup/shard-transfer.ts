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
export async function inPool<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
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
export async function pushFile(
  path: string,
  chunkBytes: number,
  ctx: { store: ObjectStore; keys: BackupKeys; known: Set<string>; progress: PushProgress; onProgress?: (p: PushProgress) => void },
): Promise<ManifestFile> {
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
          ctx.progress.bytesSkipped += chunk.length;
          return;
        }
        ctx.known.add(id);
        const sealed = sealShard(ctx.keys, id, chunk);
        try {
          await ctx.store.put(shardKey(id), sealed);
        } catch (error) {
          ctx.known.delete(id);
          throw error;
        }
        ctx.progress.objectsUploaded += 1;
        ctx.progress.bytesUploaded += sealed.length;
        ctx.onProgress?.(ctx.progress);
      });
    }
    return { size, chunkBytes, shards };
  } finally {
    await handle.close();
  }
}

/** Downloads and checks one shard; a missing or damaged one is named. */
export async function fetchShard(store: ObjectStore, keys: BackupKeys, id: string): Promise<Uint8Array> {
  const object = await store.get(shardKey(id));
  if (!object) throw new BackupTamperedError('missing', `shard ${id} is missing from the bucket`);
  return openShard(keys, id, object);
}

/** Writes a file back from its shards (fetched a few at a time, written in order), checking its size. */
export async function pullFile(store: ObjectStore, keys: BackupKeys, file: ManifestFile, path: string, what: string): Promise<void> {
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
    if (written !== file.size) throw new BackupTamperedError('shard', `${what} came back with ${written} bytes instead of ${file.size}`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
