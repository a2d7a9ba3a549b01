import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import type { ObjectStore } from '../ports/object-store.js';
import { ObjectStoreError } from '../backup/backup-errors.js';
import { probeConditionalWrites, PROBE_PREFIX } from './probe-conditional-writes.js';
import { StandbyUnsupportedServerError } from './standby-errors.js';

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of store.list(prefix)) keys.push(item.key);
  return keys;
}

describe('probeConditionalWrites', () => {
  let aws: S3rverProcess;
  let plain: S3rverProcess;
  beforeAll(async () => {
    [aws, plain] = await Promise.all([startS3rver('afterword', undefined, { conditionalWrites: true }), startS3rver()]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([stopS3rver(aws), stopS3rver(plain)]);
  });

  it('passes a server with AWS conditional writes and leaves no probe object behind', async () => {
    const store = new S3ObjectStore(aws.target('ok'));
    expect(await probeConditionalWrites(store)).toEqual({ ok: true });
    expect(await keysUnder(store, PROBE_PREFIX)).toEqual([]);
    store.close();
  });

  it('refuses plain s3rver, naming what it does, and cleans up', async () => {
    const store = new S3ObjectStore(plain.target('plain'));
    const result = await probeConditionalWrites(store);
    expect(result.ok).toBe(false);
    const error = (result as { error: StandbyUnsupportedServerError }).error;
    expect(error).toBeInstanceOf(StandbyUnsupportedServerError);
    expect(error.code).toBe('STANDBY_UNSUPPORTED_SERVER');
    expect(error.behaviour).toBe('ignores-if-none-match');
    expect(error.message).toContain(
      'the server accepted a PUT with If-None-Match: * over an existing object: it ignores conditional writes, so two machines could both send',
    );
    expect(error.message).toContain(`127.0.0.1:${plain.port}`);
    expect(error.message).toMatch(/backups to this bucket still work/);
    expect(await keysUnder(store, PROBE_PREFIX)).toEqual([]);
    store.close();
  });

  it('refuses a server that honours If-None-Match but not If-Match', async () => {
    class IgnoresIfMatch extends S3ObjectStore {
      override async putIfMatch(key: string, body: Uint8Array): Promise<string> {
        await this.put(key, body);
        return (await this.getTagged(key))!.etag;
      }
    }
    const store = new IgnoresIfMatch(aws.target('half'));
    const result = await probeConditionalWrites(store);
    expect(result.ok || result.error.behaviour).toBe('ignores-if-match');
    store.close();
  });

  it('refuses a store without conditional operations', async () => {
    const store: ObjectStore = {
      where: 'a store without conditions',
      put: async () => undefined,
      get: async () => null,
      getStream: async () => null,
      head: async () => null,
      list: async function* () {},
      delete: async () => undefined,
    };
    const result = await probeConditionalWrites(store);
    expect(result.ok || result.error.behaviour).toBe('no-conditional-api');
  });

  it('throws ObjectStoreError when the bucket cannot be reached: nothing is decided', async () => {
    const store = new S3ObjectStore({ ...aws.target(), bucket: 'no-such-bucket' });
    await expect(probeConditionalWrites(store)).rejects.toBeInstanceOf(ObjectStoreError);
    store.close();
  });
});
