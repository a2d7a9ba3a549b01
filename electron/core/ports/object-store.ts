/** One object as a listing shows it. */
export interface StoredObject {
  key: string;
  size: number;
  /** When the server last wrote it (ms since the epoch). */
  lastModified: number;
}

/** A body streamed to the store: its length must be known up front (S3 needs it). */
export interface StreamedBody {
  stream: AsyncIterable<Uint8Array>;
  size: number;
}

/**
 * A bucket of objects (S3, MinIO, R2, B2), keys relative to a prefix the adapter was given.
 * Missing objects are `null`, never an error; anything else the server says is thrown as
 * ObjectStoreError with the server's own words.
 */
export interface ObjectStore {
  /** Where it points, for messages (endpoint, bucket and prefix; never a credential). */
  readonly where: string;
  put(key: string, body: Uint8Array | StreamedBody): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  getStream(key: string): Promise<AsyncIterable<Uint8Array> | null>;
  head(key: string): Promise<StoredObject | null>;
  /** Every object whose key starts with `prefix`, page after page. */
  list(prefix: string): AsyncIterable<StoredObject>;
  delete(key: string): Promise<void>;
  /** Lets go of connections (optional). */
  close?(): void;
}

/** An object's bytes with the ETag the server gave them: what a conditional write names. */
export interface TaggedObject {
  body: Uint8Array;
  /** The server's entity tag, quotes included (`"…"`), exactly as a later If-Match must send it. */
  etag: string;
}

/**
 * Compare-and-swap on single objects (S3 conditional writes: If-None-Match / If-Match on PUT),
 * for what two machines must never both do. A separate interface: stores and fakes without it stay
 * valid. A refused condition (the object exists, or changed, or is missing, or another
 * conditional write to it is under way) is thrown as ConditionalWriteRefused; anything else as
 * ObjectStoreError. A server that silently ignores the headers is found by the standby probe, not here.
 */
export interface ConditionalObjectStore extends ObjectStore {
  /** The object and its ETag; `null` when it does not exist. */
  getTagged(key: string): Promise<TaggedObject | null>;
  /** Writes only if no object has the key (`If-None-Match: *`); returns the new ETag. */
  putIfAbsent(key: string, body: Uint8Array): Promise<string>;
  /** Writes only if the object still has `etag` (`If-Match`); returns the new ETag. */
  putIfMatch(key: string, body: Uint8Array, etag: string): Promise<string>;
}

export function isConditionalObjectStore(store: ObjectStore): store is ConditionalObjectStore {
  const candidate = store as Partial<ConditionalObjectStore>;
  return (
    typeof candidate.getTagged === 'function' &&
    typeof candidate.putIfAbsent === 'function' &&
    typeof candidate.putIfMatch === 'function'
  );
}

/** Where a backup goes: what `backup target s3` stores (the secret stays in the vault). */
export interface BucketTarget {
  endpoint: string;
  bucket: string;
  prefix: string;
  region: string;
  pathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  /** Extra CA certificate (PEM) trusted for an https endpoint with its own CA; absent: the usual roots only. */
  ca?: string | null;
}

export type ObjectStoreFactory = (target: BucketTarget) => ObjectStore;
