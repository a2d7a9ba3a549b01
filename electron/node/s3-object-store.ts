import { Agent } from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ObjectStoreError } from '../core/backup/backup-errors.js';
import { ConditionalWriteRefused, type ConditionalRefusal } from '../core/backup/conditional-write-refused.js';
import type {
  BucketTarget,
  ConditionalObjectStore,
  StoredObject,
  StreamedBody,
  TaggedObject,
} from '../core/ports/object-store.js';
import { describeBucketTarget } from './lazy-s3-object-store.js';

/** Why a request failed, in words a person can act on, with the server's own code and message. */
function describeFailure(error: unknown): { code: string; answer: string } {
  if (error instanceof S3ServiceException) {
    const status = error.$metadata?.httpStatusCode;
    const hint: Record<string, string> = {
      InvalidAccessKeyId: 'the access key id is not known to the server',
      SignatureDoesNotMatch: 'the secret access key is wrong',
      NoSuchBucket: 'the bucket does not exist',
      AccessDenied: 'the key may not do this in this bucket',
      RequestTimeTooSkewed: "this computer's clock is too far from the server's",
    };
    const said = `${error.name}${status ? ` (HTTP ${status})` : ''}: ${error.message}`;
    return { code: error.name, answer: hint[error.name] ? `${hint[error.name]} — ${said}` : said };
  }
  const err = error as NodeJS.ErrnoException & { code?: string };
  const code = err?.code ?? (error as Error)?.name ?? 'Error';
  const tls = /CERT|SSL|TLS/i.test(code) ? ' (TLS: the certificate is not trusted; give the CA file)' : '';
  return { code, answer: `${(error as Error)?.message ?? String(error)}${tls}` };
}

/** The refusal a conditional PUT met, or null when the failure is something else. */
function conditionalRefusal(error: unknown, ifMatch: boolean): ConditionalRefusal | null {
  if (!(error instanceof S3ServiceException)) return null;
  const status = error.$metadata?.httpStatusCode;
  if (error.name === 'ConditionalRequestConflict' || status === 409) return 'conflict';
  if (error.name === 'PreconditionFailed' || status === 412) return ifMatch ? 'changed' : 'exists';
  if (ifMatch && isMissing(error)) return 'missing';
  return null;
}

function isMissing(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata?.httpStatusCode === 404;
}

/**
 * How long a request may stall. The SDK's default is forever: a server that accepts the
 * connection and never answers would hold a push (and the process closing after it) with no
 * failure recorded and nobody told. Idle, not total: a 4 MiB shard on a slow uplink may take minutes.
 */
export interface S3Timeouts {
  connectMs: number;
  idleMs: number;
  requestMs: number;
}

const DEFAULT_TIMEOUTS: S3Timeouts = { connectMs: 30_000, idleMs: 60_000, requestMs: 15 * 60_000 };

/** The S3 API (AWS, MinIO, Cloudflare R2, Backblaze B2) through @aws-sdk/client-s3. */
export class S3ObjectStore implements ConditionalObjectStore {
  readonly where: string;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(
    private readonly target: BucketTarget,
    timeouts: S3Timeouts = DEFAULT_TIMEOUTS,
  ) {
    this.prefix = target.prefix ? `${target.prefix.replace(/\/+$/, '')}/` : '';
    this.where = describeBucketTarget(target);
    this.client = new S3Client({
      endpoint: target.endpoint,
      region: target.region,
      forcePathStyle: target.pathStyle,
      credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
      // Checksums only where the API demands them: some S3-compatible servers store the
      // streamed body with its chunk framing, or return no checksum to validate.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: {
        connectionTimeout: timeouts.connectMs,
        socketTimeout: timeouts.idleMs,
        requestTimeout: timeouts.requestMs,
        throwOnRequestTimeout: true,
        // A server with its own CA: trusted besides the usual roots, for this client only.
        ...(target.ca ? { httpsAgent: new Agent({ ca: [...rootCertificates, target.ca] }) } : {}),
      },
    });
  }

  private full(key: string): string {
    return `${this.prefix}${key}`;
  }

  private async attempt<T>(operation: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ObjectStoreError || error instanceof ConditionalWriteRefused) throw error;
      const { code, answer } = describeFailure(error);
      throw new ObjectStoreError(operation, key, code, answer, { cause: error });
    }
  }

  async put(key: string, body: Uint8Array | StreamedBody): Promise<void> {
    await this.attempt('the upload', key, () =>
      this.client.send(
        new PutObjectCommand(
          body instanceof Uint8Array
            ? { Bucket: this.target.bucket, Key: this.full(key), Body: body, ContentLength: body.length }
            : {
                Bucket: this.target.bucket,
                Key: this.full(key),
                Body: Readable.from(body.stream),
                ContentLength: body.size,
              },
        ),
      ),
    );
  }

  async getTagged(key: string): Promise<TaggedObject | null> {
    return this.attempt('the download', key, async () => {
      try {
        const reply = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: this.full(key) }));
        const body = reply.Body ? await reply.Body.transformToByteArray() : new Uint8Array();
        return { body, etag: reply.ETag ?? '' };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    });
  }

  async putIfAbsent(key: string, body: Uint8Array): Promise<string> {
    return this.conditionalPut(key, body, { IfNoneMatch: '*' });
  }

  async putIfMatch(key: string, body: Uint8Array, etag: string): Promise<string> {
    return this.conditionalPut(key, body, { IfMatch: etag });
  }

  private async conditionalPut(
    key: string,
    body: Uint8Array,
    condition: { IfNoneMatch: '*' } | { IfMatch: string },
  ): Promise<string> {
    return this.attempt('the conditional upload', key, async () => {
      try {
        const reply = await this.client.send(
          new PutObjectCommand({
            Bucket: this.target.bucket,
            Key: this.full(key),
            Body: body,
            ContentLength: body.length,
            ...condition,
          }),
        );
        return reply.ETag ?? '';
      } catch (error) {
        const refusal = conditionalRefusal(error, 'IfMatch' in condition);
        if (!refusal) throw error;
        throw new ConditionalWriteRefused(key, refusal, (error as Error).name, { cause: error });
      }
    });
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    return this.attempt('the download', key, async () => {
      try {
        const reply = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: this.full(key) }));
        return reply.Body as unknown as AsyncIterable<Uint8Array>;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    });
  }

  async get(key: string): Promise<Uint8Array | null> {
    const stream = await this.getStream(key);
    if (!stream) return null;
    return this.attempt('the download', key, async () => {
      const parts: Uint8Array[] = [];
      for await (const part of stream) parts.push(part);
      return new Uint8Array(Buffer.concat(parts));
    });
  }

  async head(key: string): Promise<StoredObject | null> {
    return this.attempt('the lookup', key, async () => {
      try {
        const reply = await this.client.send(
          new HeadObjectCommand({ Bucket: this.target.bucket, Key: this.full(key) }),
        );
        return { key, size: reply.ContentLength ?? 0, lastModified: reply.LastModified?.getTime() ?? 0 };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    });
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    let token: string | undefined;
    do {
      const page = await this.attempt('the listing', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.target.bucket, Prefix: this.full(prefix), ContinuationToken: token }),
        ),
      );
      for (const item of page.Contents ?? []) {
        if (!item.Key) continue;
        yield {
          key: item.Key.slice(this.prefix.length),
          size: item.Size ?? 0,
          lastModified: item.LastModified?.getTime() ?? 0,
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    await this.attempt('the deletion', key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: this.full(key) })),
    );
  }

  close(): void {
    this.client.destroy();
  }
}
