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
