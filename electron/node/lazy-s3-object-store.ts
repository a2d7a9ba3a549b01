import type {
  TaggedObject,
  ConditionalObjectStore,
  BucketTarget,
  StoredObject,
  StreamedBody,
} from '../core/ports/object-store.js';

/** Where a target points, for messages (never a credential). */
export function describeBucketTarget(target: BucketTarget): string {
  const prefix = target.prefix ? `${target.prefix.replace(/\/+$/, '')}/` : '';
  return `${target.endpoint} bucket ${target.bucket}${prefix ? ` prefix ${prefix}` : ''}`;
}

/**
 * The S3 adapter, loaded on first use: the AWS SDK takes longer to load than most commands take
 * to run, and only backups need it.
 */
class LazyS3ObjectStore implements ConditionalObjectStore {
  readonly where: string;
  private loaded: Promise<ConditionalObjectStore> | null = null;

  constructor(private readonly target: BucketTarget) {
    this.where = describeBucketTarget(target);
  }

  private store(): Promise<ConditionalObjectStore> {
    this.loaded ??= import('./s3-object-store.js').then(({ S3ObjectStore }) => new S3ObjectStore(this.target));
    return this.loaded;
  }

  async put(key: string, body: Uint8Array | StreamedBody): Promise<void> {
    return (await this.store()).put(key, body);
  }

  async get(key: string): Promise<Uint8Array | null> {
    return (await this.store()).get(key);
  }

  async getTagged(key: string): Promise<TaggedObject | null> {
    return (await this.store()).getTagged(key);
  }

  async putIfAbsent(key: string, body: Uint8Array): Promise<string> {
    return (await this.store()).putIfAbsent(key, body);
  }

  async putIfMatch(key: string, body: Uint8Array, etag: string): Promise<string> {
    return (await this.store()).putIfMatch(key, body, etag);
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    return (await this.store()).getStream(key);
  }

  async head(key: string): Promise<StoredObject | null> {
    return (await this.store()).head(key);
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    yield* (await this.store()).list(prefix);
  }

  async delete(key: string): Promise<void> {
    return (await this.store()).delete(key);
  }

  close(): void {
    void this.loaded?.then((store) => store.close?.());
  }
}

export const s3ObjectStores = (target: BucketTarget): ConditionalObjectStore => new LazyS3ObjectStore(target);
