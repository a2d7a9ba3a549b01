/**
 * What the backup section compares against: the same objects moved by the plainest tools there
 * are — a PutObject loop and a GetObject loop on the AWS SDK, and `aws s3 cp --recursive`.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { inPool } from '../../core/backup/shard-transfer.js';
import type { S3rverProcess } from './s3rver-process.js';
import { nowMs } from './stats.js';

/** Requests in flight in the SDK loops: as many as a push or a restore keeps going. */
const IN_FLIGHT = 8;

export type BaselineDownload = 'aws s3 cp --recursive' | 'SDK GetObject loop';

export interface Transfer {
  objects: number;
  bytes: number;
  ms: number;
}

function client(server: S3rverProcess): S3Client {
  const target = server.target();
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Uploads again, under `into/`, every object under `prefix/` (read from the server's folder): same count, same bytes. */
export async function sdkPutLoop(server: S3rverProcess, prefix: string, into: string): Promise<Transfer> {
  const s3 = client(server);
  try {
    const keys = await listKeys(s3, server.bucket, `${prefix}/`);
    let bytes = 0;
    const started = nowMs();
    await inPool(keys, IN_FLIGHT, async (key) => {
      const body = await readFile(server.objectFile(key));
      await s3.send(
        new PutObjectCommand({ Bucket: server.bucket, Key: `${into}/${key}`, Body: body, ContentLength: body.length }),
      );
      bytes += body.length;
    });
    return { objects: keys.length, bytes, ms: nowMs() - started };
  } finally {
    s3.destroy();
  }
}

/** Downloads every object under `prefix/` into memory and drops it (what a restore must at least do). */
export async function sdkGetLoop(server: S3rverProcess, prefix: string): Promise<Transfer & { how: BaselineDownload }> {
  const s3 = client(server);
  try {
    const started = nowMs();
    const keys = await listKeys(s3, server.bucket, `${prefix}/`);
    let bytes = 0;
    await inPool(keys, IN_FLIGHT, async (key) => {
      const reply = await s3.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
      bytes += (await reply.Body!.transformToByteArray()).length;
    });
    return { how: 'SDK GetObject loop', objects: keys.length, bytes, ms: nowMs() - started };
  } finally {
    s3.destroy();
  }
}

async function folderTotals(dir: string): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    objects += 1;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return { objects, bytes };
}

/**
 * `aws s3 cp --recursive` of `prefix/` into `dir`, timed from spawn to exit; null when the aws CLI
 * is not on the PATH. Its own configuration files are kept out (an empty config in `dir`'s parent).
 */
export async function awsCliCopy(
  server: S3rverProcess,
  prefix: string,
  dir: string,
): Promise<(Transfer & { how: BaselineDownload }) | null> {
  const target = server.target();
  await mkdir(dir, { recursive: true });
  const config = `${dir}.aws-config`;
  await writeFile(config, '');
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: target.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
    AWS_DEFAULT_REGION: target.region,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: config,
  };
  const args = ['s3', 'cp', '--recursive', '--quiet', '--endpoint-url', target.endpoint];
  const started = nowMs();
  const outcome = await new Promise<{ code: number | null; missing: boolean; stderr: string }>((resolve) => {
    const child = spawn('aws', [...args, `s3://${server.bucket}/${prefix}/`, dir], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ code: null, missing: error.code === 'ENOENT', stderr: error.message }),
    );
    child.on('exit', (code) => resolve({ code, missing: false, stderr }));
  });
  const ms = nowMs() - started;
  if (outcome.missing) return null;
  if (outcome.code !== 0) throw new Error(`aws s3 cp exited with ${outcome.code}: ${outcome.stderr.trim()}`);
  return { how: 'aws s3 cp --recursive', ms, ...(await folderTotals(dir)) };
}
