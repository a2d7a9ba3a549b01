import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from './s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from './test-support/s3rver-process.js';
import { ObjectStoreError } from '../core/backup/backup-errors.js';
import { ConditionalWriteRefused } from '../core/backup/conditional-write-refused.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (body: Uint8Array | undefined): string => new TextDecoder().decode(body);

async function refusal(write: Promise<unknown>): Promise<string> {
  const error = await write.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ConditionalWriteRefused)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.reason;
}

describe('conditional writes through the AWS SDK, s3rver with AWS semantics', () => {
  let server: S3rverProcess;
  let store: S3ObjectStore;
  beforeAll(async () => {
    server = await startS3rver('afterword', undefined, { conditionalWrites: true });
    store = new S3ObjectStore(server.target('cond'));
  }, 30_000);
  afterAll(async () => {
    store.close();
    await stopS3rver(server);
  });

  it('creates only where nothing is (If-None-Match: *) and reads back the same ETag', async () => {
    const etag = await store.putIfAbsent('a', bytes('first'));
    expect(etag).toMatch(/^".+"$/);
    expect(await store.getTagged('a')).toEqual({ body: bytes('first'), etag });
    expect(await refusal(store.putIfAbsent('a', bytes('second')))).toBe('exists');
    expect(text((await store.getTagged('a'))?.body)).toBe('first');
    expect(await store.getTagged('nothing-here')).toBeNull();
  });

  it('replaces only the version it names (If-Match), and refuses a missing key with 404', async () => {
    const first = await store.putIfAbsent('b', bytes('v1'));
    const second = await store.putIfMatch('b', bytes('v2'), first);
    expect(second).not.toBe(first);
    expect(await refusal(store.putIfMatch('b', bytes('v3'), first))).toBe('changed');
    expect(await store.getTagged('b')).toEqual({ body: bytes('v2'), etag: second });
    const missing = await store.putIfMatch('never-written', bytes('x'), first).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConditionalWriteRefused);
    expect((missing as ConditionalWriteRefused).reason).toBe('missing');
    expect((missing as ConditionalWriteRefused).serverCode).toBe('NoSuchKey');
    expect(await store.getTagged('never-written')).toBeNull();
  });

  it('answers 409 ConditionalRequestConflict to a conditional write while another write to the key is under way', async () => {
    const etag = await store.putIfAbsent('c', bytes('before'));
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    let started!: () => void;
    const sending = new Promise<void>((resolve) => (started = resolve));
    async function* slowBody(): AsyncGenerator<Uint8Array> {
      yield bytes('aaaa');
      started();
      await held;
      yield bytes('bbbb');
    }
    const slow = store.put('c', { stream: slowBody(), size: 8 });
    await sending;
    // The server may not have the slow request's headers yet: before it does, the wrong ETag
    // gets 412; once it does, every conditional write gets 409 until the slow write ends.
    let reason = 'changed';
    for (let attempt = 0; attempt < 200 && reason === 'changed'; attempt++) {
      reason = await refusal(store.putIfMatch('c', bytes('other'), '"0000"'));
      if (reason === 'changed') await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(reason).toBe('conflict');
    expect(await refusal(store.putIfMatch('c', bytes('other'), etag))).toBe('conflict');
    expect(await refusal(store.putIfAbsent('c', bytes('other')))).toBe('conflict');
    finish();
    await slow;
    expect(text((await store.getTagged('c'))?.body)).toBe('aaaabbbb');
  });

  it('lets exactly one of many simultaneous creators win, every time', async () => {
    for (let round = 0; round < 20; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => store.putIfAbsent(`race/${round}`, bytes(`writer ${i}`))),
      );
      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConditionalWriteRefused);
      }
      expect(text((await store.getTagged(`race/${round}`))?.body)).toBe(`writer ${winners[0]}`);
    }
  }, 60_000);

  it('lets exactly one of many simultaneous replacers of one version win', async () => {
    let etag = await store.putIfAbsent('swap', bytes('v0'));
    for (let round = 1; round <= 20; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) => store.putIfMatch('swap', bytes(`v${round} by ${i}`), etag)),
      );
      const won = outcomes.filter((o): o is PromiseFulfilledResult<string> => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      etag = won[0]!.value;
      expect((await store.getTagged('swap'))?.etag).toBe(etag);
    }
  }, 60_000);

  it('reports other failures as ObjectStoreError, not as a refusal', async () => {
    const missingBucket = new S3ObjectStore({ ...server.target(), bucket: 'no-such-bucket' });
    const error = await missingBucket.putIfAbsent('x', bytes('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect((error as Error).message).toMatch(/NoSuchBucket|does not exist/);
    missingBucket.close();
  });
});

describe('plain s3rver (the default) ignores the conditions', () => {
  it('stores a PUT with If-None-Match: * over an existing object: the behaviour the standby probe refuses', async () => {
    const server = await startS3rver();
    const store = new S3ObjectStore(server.target('plain'));
    try {
      const first = await store.putIfAbsent('k', bytes('one'));
      await store.putIfAbsent('k', bytes('two'));
      await store.putIfMatch('k', bytes('three'), first);
      // s3rver answers a PUT before its file is complete: on a loaded machine a read right after it
      // can find the object empty, so the last body is awaited (no condition held either PUT back).
      await expect.poll(async () => text((await store.getTagged('k'))?.body), { timeout: 10_000 }).toBe('three');
    } finally {
      store.close();
      await stopS3rver(server);
    }
  }, 30_000);
});
