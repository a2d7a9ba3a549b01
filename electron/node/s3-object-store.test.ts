import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { S3ObjectStore } from './s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from './test-support/s3rver-process.js';
import { ObjectStoreError } from '../core/backup/backup-errors.js';
import { opensslAvailable, selfSignedCertificate } from '../core/test-support/self-signed-certificate.js';

let server: S3rverProcess;
beforeAll(async () => {
  server = await startS3rver();
}, 30_000);
afterAll(async () => {
  await stopS3rver(server);
});

describe('S3ObjectStore against a real s3rver', () => {
  it('puts, heads, gets, lists and deletes objects under its prefix', async () => {
    const store = new S3ObjectStore(server.target('p/x'));
    const body = new Uint8Array(randomBytes(70_000));
    await store.put('shards/a', body);
    expect((await store.head('shards/a'))?.size).toBe(70_000);
    expect(Buffer.compare(Buffer.from((await store.get('shards/a'))!), Buffer.from(body))).toBe(0);
    expect(existsSync(server.objectFile('p/x/shards/a'))).toBe(true);
    await store.delete('shards/a');
    expect(await store.get('shards/a')).toBeNull();
    expect(await store.head('shards/a')).toBeNull();
    store.close();
  });

  it('streams a body in and stores exactly its bytes (no chunk framing)', async () => {
    const store = new S3ObjectStore(server.target('stream'));
    const parts = [new Uint8Array(randomBytes(40_000)), new Uint8Array(randomBytes(30_000))];
    async function* stream(): AsyncGenerator<Uint8Array> {
      yield* parts;
    }
    await store.put('big', { stream: stream(), size: 70_000 });
    const back = await store.get('big');
    expect(Buffer.compare(Buffer.from(back!), Buffer.concat(parts))).toBe(0);
    store.close();
  });

  it('lists page after page (more than 1000 keys)', async () => {
    const store = new S3ObjectStore(server.target('many'));
    const keys = Array.from({ length: 1005 }, (_, i) => `k/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((key) => store.put(key, new Uint8Array([1]))));
    const listed: string[] = [];
    for await (const item of store.list('k/')) listed.push(item.key);
    expect(listed.sort()).toEqual(keys);
    store.close();
  }, 60_000);

  it("reports a missing bucket and a wrong key with the server's answer", async () => {
    const missing = new S3ObjectStore({ ...server.target(), bucket: 'no-such-bucket' });
    const error = await missing.put('x', new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect((error as ObjectStoreError).code).toBe('BACKUP_TARGET_FAILED');
    expect((error as Error).message).toMatch(/NoSuchBucket|does not exist/);
    const wrongKey = new S3ObjectStore({ ...server.target(), accessKeyId: 'NOT-A-KEY' });
    const denied = await wrongKey.put('x', new Uint8Array([1])).catch((e: unknown) => e);
    expect((denied as Error).message).toMatch(/InvalidAccessKeyId|access key id is not known/);
  });
});

if (!opensslAvailable) {
  // eslint-disable-next-line no-console
  console.warn('skipped: openssl not available (S3ObjectStore over https with its own CA)');
}

describe.skipIf(!opensslAvailable)('S3ObjectStore over https, a server with its own CA', () => {
  let dir: string;
  let tlsServer: S3rverProcess;
  let cert: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aw-s3-tls-'));
    const made = selfSignedCertificate(dir);
    cert = made.cert;
    tlsServer = await startS3rver('afterword', made);
  }, 30_000);
  afterAll(async () => {
    await stopS3rver(tlsServer);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused without the CA (a TLS failure that says to give the CA file), and works with it', async () => {
    const untrusting = new S3ObjectStore(tlsServer.target('tls'));
    const refused = await untrusting.put('probe', new Uint8Array([1])).catch((error: unknown) => error);
    untrusting.close();
    expect(refused).toBeInstanceOf(ObjectStoreError);
    expect((refused as ObjectStoreError).message).toMatch(/CA file/);

    const trusting = new S3ObjectStore({ ...tlsServer.target('tls'), ca: cert });
    await trusting.put('probe', new Uint8Array([1, 2, 3]));
    expect(Array.from((await trusting.get('probe'))!)).toEqual([1, 2, 3]);
    trusting.close();
  });
});

describe('S3ObjectStore and a server that never answers', () => {
  it('fails the request (with the server named) instead of waiting forever', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const store = new S3ObjectStore(
      { ...server.target('silent'), endpoint: `http://127.0.0.1:${port}` },
      { connectMs: 1000, idleMs: 300, requestMs: 2000 },
    );
    try {
      const failed = await store.put('probe', new Uint8Array([1])).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(ObjectStoreError);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      store.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 20_000);
});
