import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BucketTarget } from '../../core/ports/object-store.js';
import { CONDITIONAL_WRITES_MIDDLEWARE } from './s3-conditional-writes.js';

/**
 * A real S3 server (s3rver) on 127.0.0.1 and a free port, in a child process: it needs Node's
 * legacy OpenSSL provider (or paged listings fail), which a test process should not switch on.
 * Its store is a plain folder (`directory`), so tests can flip bytes and delete objects there.
 */
export interface S3rverProcess {
  port: number;
  directory: string;
  bucket: string;
  target(prefix?: string): BucketTarget;
  /** The folder holding one object's bytes (s3rver keeps `<key>._S3rver_object`). */
  objectFile(key: string): string;
  stop(): Promise<void>;
  /** Starts it again on the same port and folder (after stop). */
  restart(): Promise<void>;
}

const SCRIPT = `
const S3rver = require(process.env.S3RVER_MODULE);
const tls = process.env.S3RVER_KEY ? { key: require('fs').readFileSync(process.env.S3RVER_KEY),
  cert: require('fs').readFileSync(process.env.S3RVER_CERT) } : {};
const server = new S3rver({ ...tls, address: '127.0.0.1', port: Number(process.env.S3RVER_PORT), silent: true,
  directory: process.env.S3RVER_DIR, configureBuckets: [{ name: process.env.S3RVER_BUCKET }] });
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'), (e) => { console.error(e); process.exit(1); });
if (process.env.S3RVER_CONDITIONAL) {
  const S3Error = require(require('path').join(require('path').dirname(process.env.S3RVER_MODULE), 'models', 'error'));
  server.middleware.unshift((0, eval)(process.env.S3RVER_CONDITIONAL)(S3Error, server.store));
}
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

/** PEM files of a key and certificate: the server speaks https. */
export interface S3rverTls {
  keyFile: string;
  certFile: string;
}

export interface S3rverOptions {
  /**
   * Honour If-Match / If-None-Match on PUT as AWS S3 does (s3-conditional-writes.ts). Off by
   * default: plain s3rver stores every PUT, like the servers the standby probe must refuse.
   */
  conditionalWrites?: boolean;
}

function launch(
  directory: string,
  bucket: string,
  port: number,
  tls: S3rverTls | undefined,
  options: S3rverOptions,
): Promise<{ child: ChildProcess; port: number }> {
  const require = createRequire(import.meta.url);
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SCRIPT], {
    env: {
      ...process.env,
      S3RVER_MODULE: require.resolve('s3rver'),
      S3RVER_PORT: String(port),
      S3RVER_DIR: directory,
      S3RVER_BUCKET: bucket,
      ...(tls ? { S3RVER_KEY: tls.keyFile, S3RVER_CERT: tls.certFile } : {}),
      ...(options.conditionalWrites ? { S3RVER_CONDITIONAL: CONDITIONAL_WRITES_MIDDLEWARE } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0] ?? '';
      if (out.includes('\n')) resolve({ child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.on('exit', (code) => reject(new Error(`s3rver exited (${code}): ${err}`)));
  });
}

export async function startS3rver(
  bucket = 'afterword',
  tls?: S3rverTls,
  options: S3rverOptions = {},
): Promise<S3rverProcess> {
  const directory = mkdtempSync(join(tmpdir(), 'aw-s3rver-'));
  let { child, port } = await launch(directory, bucket, 0, tls, options);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  };
  return {
    port,
    directory,
    bucket,
    target: (prefix = 'afterword/v1') => ({
      endpoint: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
      bucket,
      prefix,
      region: 'us-east-1',
      pathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    }),
    objectFile: (key) => join(directory, bucket, `${key}._S3rver_object`),
    stop: async () => {
      await stop();
    },
    restart: async () => {
      await stop();
      ({ child, port } = await launch(directory, bucket, port, tls, options));
    },
  };
}

export async function stopS3rver(server: S3rverProcess): Promise<void> {
  await server.stop();
  rmSync(server.directory, { recursive: true, force: true });
}
