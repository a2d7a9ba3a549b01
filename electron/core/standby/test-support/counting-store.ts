import type { ObjectStore } from '../../ports/object-store.js';
import { SHARDS_PREFIX } from '../../backup/bucket-layout.js';
import type { Logger } from '../../ports/logger.js';

/** Every request a store was asked, by method; shard reads by key. */
export interface RequestCounts {
  list: number;
  get: number;
  head: number;
  put: number;
  delete: number;
  shardGets: string[];
}

export const noRequests = (): RequestCounts => ({ list: 0, get: 0, head: 0, put: 0, delete: 0, shardGets: [] });

/** A store that counts what goes through it (reset with `counts = noRequests()`); `beforeShardGet` may slow or report. */
export function countingStore(
  inner: ObjectStore,
  beforeShardGet: (key: string) => Promise<void> = async () => undefined,
): ObjectStore & { counts: RequestCounts } {
  const wrapper = {
    counts: noRequests(),
    where: inner.where,
    put: (key: string, body: Parameters<ObjectStore['put']>[1]) => {
      wrapper.counts.put += 1;
      return inner.put(key, body);
    },
    get: async (key: string) => {
      wrapper.counts.get += 1;
      if (key.startsWith(SHARDS_PREFIX)) {
        wrapper.counts.shardGets.push(key.slice(SHARDS_PREFIX.length));
        await beforeShardGet(key);
      }
      return inner.get(key);
    },
    getStream: (key: string) => {
      wrapper.counts.get += 1;
      return inner.getStream(key);
    },
    head: (key: string) => {
      wrapper.counts.head += 1;
      return inner.head(key);
    },
    delete: (key: string) => {
      wrapper.counts.delete += 1;
      return inner.delete(key);
    },
    list: (prefix: string) => {
      wrapper.counts.list += 1;
      return inner.list(prefix);
    },
    close: () => inner.close?.(),
  };
  return wrapper;
}

/** A logger that keeps what it was told. */
export function recordingLogger(lines: string[] = []): Logger {
  const log =
    (level: string) =>
    (message: string): void => {
      lines.push(`${level} ${message}`);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => recordingLogger(lines),
  };
}
