// RPC over the event socket (/api/events): requests `{ id, method, input }` answered `{ id, reply }`
// through the same router as HTTP, as the session's owner; events keep flowing on the same socket;
// revocation, malformed frames and random junk. Plus the shared contract suite with the owner's
// calls carried by the socket.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { z } from 'zod';
import { CONTRACT, METHOD_NAMES, isMethodName, ATTACHMENT_CHUNK_BYTES } from '../../../shared/contract/methods.js';
import type { Reply } from '../../../shared/contract/reply.js';
import { runContractSuite, type SuiteClient, type SuiteTransport } from '../../core/api/test-support/contract-suite.js';
import { MAX_IN_FLIGHT, SESSION_ENDED } from './events-socket.js';
import { SESSION_COOKIE } from './rpc-routes.js';
import { SIGN_IN } from './sessions.js';
import { CLOSE_BINARY, CLOSE_NOT_JSON, MAX_ID_LENGTH, parseRequestFrame } from './socket-frames.js';
import { openEvents, type EventsClient, type ReplyFrame } from './test-support/events-client.js';
import { HttpClient } from './test-support/http-client.js';
import {
  LEAP_DAY_TICKS,
  PASSWORD,
  startFixture,
  startWithVault,
  type RunnerFixture,
} from './test-support/runner-fixture.js';

const codeOf = (reply: Reply<unknown>): string => (reply.ok ? 'OK' : reply.code);

// --- the contract suite, the owner's calls over the socket --------------------------------------

const carried = { socket: 0, http: new Set<string>() };

/**
 * The owner as the web UI would be with socket RPC: signs in over HTTP (the cookie), then makes
 * every call over the socket while it is open; once the session ended (socket closed), back to HTTP.
 */
function socketOwner(f: RunnerFixture): SuiteClient {
  const http = f.client();
  let socket: EventsClient | null = null;
  return {
    async call(method, input) {
      const open = socket;
      if (open && open.ws.readyState === WebSocket.OPEN) {
        try {
          const reply = await open.call(method, input);
          carried.socket++;
          return reply;
        } catch {
          // Closed before the reply (the session ended): the server refused it; ask over HTTP.
          socket = null;
        }
      }
      carried.http.add(method);
      const reply = await http.call(method, input);
      if (reply.ok && SIGN_IN.has(method)) {
        const opened = await openEvents(f.base, { cookie: http.cookieHeader });
        socket = opened;
        void opened.closed.then(() => {
          if (socket === opened) socket = null;
        });
      }
      return reply;
    },
  };
}

async function overSocket(): Promise<SuiteTransport> {
  // The suite counts rows: a minute tick crossing its test would write the daily attachment check.
  const f = await startFixture({ runner: { schedulerCron: LEAP_DAY_TICKS } });
  const owner = socketOwner(f);
  return {
    owner: () => owner,
    anonymous: () => new HttpClient(f.base),
    bearer: (token) => HttpClient.bearer(f.base, token),
    rowCounts: () => f.rowCounts(),
    close: () => f.close(),
  };
}

runContractSuite('runner, owner calls over the WebSocket', overSocket);

describe('the contract suite above', () => {
  it('carried the owner calls over the socket (HTTP only to sign in and while signed out)', () => {
    expect(carried.socket).toBeGreaterThan(300);
    for (const method of carried.http)
      expect(['vault.status', 'vault.create', 'vault.unlock', 'no.such.method', 'messages.list']).toContain(method);
  });
});

// --- frames ---------------------------------------------------------------------------------------

describe('parseRequestFrame', () => {
  it('reads requests and tells what is wrong with the rest', () => {
    expect(parseRequestFrame('{"id":"a","method":"messages.list","input":{"limit":5}}')).toEqual({
      kind: 'request',
      id: 'a',
      method: 'messages.list',
      input: { limit: 5 },
    });
    expect(parseRequestFrame('{"id":7,"method":"vault.status"}')).toEqual({
      kind: 'request',
      id: 7,
      method: 'vault.status',
      input: undefined,
    });
    expect(parseRequestFrame('nope')).toEqual({ kind: 'not-json' });
    expect(parseRequestFrame('')).toEqual({ kind: 'not-json' });
    for (const text of [
      'null',
      '[]',
      '1',
      '"x"',
      '{}',
      '{"id":""}',
      '{"id":1.5,"method":"x"}',
      `{"id":"${'i'.repeat(MAX_ID_LENGTH + 1)}","method":"x"}`,
    ]) {
      expect(parseRequestFrame(text), text).toMatchObject({ kind: 'bad', id: null });
    }
    expect(parseRequestFrame('{"id":"a"}')).toMatchObject({ kind: 'bad', id: 'a' });
    expect(parseRequestFrame('{"id":"a","method":3}')).toMatchObject({ kind: 'bad', id: 'a' });
    expect(parseRequestFrame('{"id":"a","method":"checkin","extra":1}')).toMatchObject({
      kind: 'bad',
      id: 'a',
      message: expect.stringContaining('extra'),
    });
  });
});

// --- the socket against a live runner -------------------------------------------------------------

describe('RPC over the event socket', () => {
  let f: RunnerFixture;
  let owner: HttpClient;
  let socket: EventsClient;

  beforeAll(async () => {
    ({ f, owner } = await startWithVault());
    socket = await openEvents(f.base, { cookie: owner.cookieHeader });
  });
  afterAll(async () => f.close());

  it('answers a call with the same Reply as HTTP; events keep flowing on the same socket', async () => {
    const kin = await socket.call('recipients.create', { name: 'Kin', type: 'email', contact: 'kin@example.org' });
    expect(kin).toMatchObject({ ok: true, data: { id: expect.any(String) } });
    const created = await socket.call('messages.create', {
      title: 'Over the socket',
      body: 'hello',
      recipientIds: [(kin as { data: { id: string } }).data.id],
    });
    expect(codeOf(created)).toBe('OK');
    const overSocket = await socket.call('messages.list', { limit: 50 });
    const overHttp = await owner.call('messages.list', { limit: 50 });
    expect(overSocket).toEqual(overHttp);
    expect(overSocket).toMatchObject({ ok: true, data: { total: 1, items: [{ title: 'Over the socket' }] } });

    // An upload's progress arrives as an event, next to the chunk's reply.
    const begin = await socket.call('attachments.uploadBegin', { name: 'a.txt', size: 10 });
    const { uploadId } = (begin as { data: { uploadId: string } }).data;
    expect(
      codeOf(
        await socket.call('attachments.uploadChunk', {
          uploadId,
          index: 0,
          data: Buffer.from('0123456789').toString('base64'),
        }),
      ),
    ).toBe('OK');
    expect(await socket.waitFor('upload.progress')).toMatchObject({ uploadId, received: 10, size: 10 });
    expect(ATTACHMENT_CHUNK_BYTES).toBeGreaterThan(10);

    // Effects of a reply apply whatever the transport: a pause over the socket is announced.
    expect(codeOf(await socket.call('plans.pause', { until: f.clock.now() + 86_400_000 }))).toBe('OK');
    expect(await socket.waitFor('plan.stateChanged')).toMatchObject({ to: 'paused' });
    expect(codeOf(await socket.call('plans.resume', {}))).toBe('OK');
    expect(socket.other).toEqual([]);
  });

  it("maps errors to the contract's codes, exactly as HTTP does", async () => {
    const cases: [string, unknown, string][] = [
      ['no.such.method', {}, 'NOT_FOUND'],
      ['messages.list', { limit: 'fifty' }, 'BAD_REQUEST'],
      ['messages.list', { limit: 5, extra: true }, 'BAD_REQUEST'],
      ['messages.get', { id: 'msg_0000000000000000' }, 'NOT_FOUND'],
      ['vault.create', { password: PASSWORD }, 'BAD_REQUEST'],
      [
        'vault.changePassword',
        { currentPassword: 'not the password', newPassword: 'another long password' },
        'WRONG_PASSWORD',
      ],
      ['channels.addWebhook', { name: 'hook', url: 'ftp://example.org' }, 'BAD_REQUEST'],
      ['messages.list', undefined, 'OK'],
      ['vault.status', null, 'OK'],
    ];
    for (const [method, input, expected] of cases) {
      const overSocket = await socket.call(method, input);
      const overHttp = await owner.call(method, input);
      expect({ method, code: codeOf(overSocket) }).toEqual({ method, code: expected });
      expect({ method, code: codeOf(overHttp) }).toEqual({ method, code: expected });
      if (!overSocket.ok && !overHttp.ok) expect(overSocket.message).toBe(overHttp.message);
    }
  });

  it(`answers many concurrent calls (more than ${MAX_IN_FLIGHT} in flight), each under its own id`, async () => {
    const ids = Array.from({ length: MAX_IN_FLIGHT * 3 }, (_, i) => (i % 2 === 0 ? `p${i}` : i));
    const waits = ids.map((id) => socket.replyFor(id));
    for (const id of ids)
      socket.send(JSON.stringify({ id, method: typeof id === 'number' ? 'status.get' : 'messages.list', input: {} }));
    const frames = await Promise.all(waits);
    expect(frames.map((r) => r.id)).toEqual(ids);
    expect(frames.every((r) => r.reply.ok)).toBe(true);
  });
});

describe('RPC over the socket: the session ends', () => {
  it('a request after the lock gets UNAUTHORIZED; calls already running still reply; then the socket closes with 4401', async () => {
    const { f, owner } = await startWithVault();
    try {
      const socket = await openEvents(f.base, { cookie: owner.cookieHeader });
      const slow = socket.replyFor('slow');
      const lock = socket.replyFor('lock');
      const after = socket.replyFor('after');
      // A call that takes a while (scrypt on the thread pool) is still running when the lock ends
      // the session, so the socket is still open when the third request arrives.
      socket.send(
        JSON.stringify({
          id: 'slow',
          method: 'vault.regenerateRecoveryKey',
          input: { password: 'not the password at all' },
        }),
      );
      socket.send(JSON.stringify({ id: 'lock', method: 'vault.lock' }));
      socket.send(JSON.stringify({ id: 'after', method: 'messages.list', input: {} }));
      expect((await lock).reply).toEqual({ ok: true, data: { ok: true } });
      expect((await after).reply).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
      expect((await slow).reply.ok).toBe(false);
      expect((await socket.closed).code).toBe(SESSION_ENDED);
      expect(socket.messages.map((m) => m.event)).toContain('vault.lockChanged');
      expect(socket.replies.map((r) => r.id).sort()).toEqual(['after', 'lock', 'slow']);
      expect((await owner.rpc('messages.list', {})).status).toBe(401);
      expect(f.app.isUiUnlocked).toBe(false);
    } finally {
      await f.close();
    }
  });

  it('an expired session: the next request is UNAUTHORIZED and the socket closes; HTTP refuses the cookie too', async () => {
    let now = Date.now();
    const { f, owner } = await startWithVault({ runner: { sessionTtlMs: 60_000, sessionNow: () => now } });
    try {
      const socket = await openEvents(f.base, { cookie: owner.cookieHeader });
      expect(codeOf(await socket.call('messages.list', {}))).toBe('OK');
      now += 61_000;
      expect(codeOf(await socket.call('messages.list', {}))).toBe('UNAUTHORIZED');
      expect((await socket.closed).code).toBe(SESSION_ENDED);
      expect((await owner.rpc('messages.list', {})).status).toBe(401);
    } finally {
      await f.close();
    }
  });

  it('logout over HTTP closes the socket; the same cookie cannot open a new one', async () => {
    const { f, owner } = await startWithVault();
    try {
      const cookie = owner.cookieHeader;
      const socket = await openEvents(f.base, { cookie });
      expect(owner.cookie(SESSION_COOKIE)).toBeDefined();
      expect((await owner.post('/api/logout', {})).status).toBe(200);
      expect((await socket.closed).code).toBe(SESSION_ENDED);
      await expect(openEvents(f.base, { cookie })).rejects.toThrow('HTTP 401');
    } finally {
      await f.close();
    }
  });
});

// --- malformed frames and junk --------------------------------------------------------------------

const isValid = (method: string, input: unknown): boolean =>
  isMethodName(method) && CONTRACT[method].input.safeParse(input ?? {}).success;
const keysOf = (method: (typeof METHOD_NAMES)[number]): string[] =>
  Object.keys((CONTRACT[method].input as unknown as z.ZodObject).shape ?? {});

describe('RPC over the socket: malformed frames', () => {
  let f: RunnerFixture;
  let owner: HttpClient;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    ({ f, owner } = await startWithVault());
    await owner.data('messages.create', { title: 'Letter', body: 'Dear Kin' });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await f.close();
  });

  const open = (): Promise<EventsClient> => openEvents(f.base, { cookie: owner.cookieHeader });

  it('JSON that is not a request gets BAD_REQUEST (with its id when it has one); the socket stays open', async () => {
    const socket = await open();
    const cases: [string, string | number | null][] = [
      ['{}', null],
      ['null', null],
      ['[1,2]', null],
      ['"messages.list"', null],
      ['{"method":"messages.list"}', null],
      ['{"id":{},"method":"messages.list"}', null],
      ['{"id":true,"method":"messages.list"}', null],
      ['{"id":"x1"}', 'x1'],
      ['{"id":"x2","method":42}', 'x2'],
      ['{"id":"x3","method":""}', 'x3'],
      ['{"id":"x4","method":"messages.list","input":{},"admin":true}', 'x4'],
      [`{"id":5,"method":"${'m'.repeat(500)}"}`, 5],
    ];
    for (const [text, id] of cases) {
      const reply = socket.replyFor(id);
      socket.send(text);
      expect({ text, reply: (await reply).reply }).toMatchObject({ text, reply: { ok: false, code: 'BAD_REQUEST' } });
    }
    expect(codeOf(await socket.call('messages.list', {}))).toBe('OK');
    socket.ws.close();
  });

  it('a frame that is not JSON text closes the socket without a reply; the session lives on', async () => {
    const notJson = await open();
    notJson.send('{"id":"a","method":');
    expect((await notJson.closed).code).toBe(CLOSE_NOT_JSON);
    expect(notJson.replies).toEqual([]);

    const binary = await open();
    binary.send(Buffer.from('{"id":"b","method":"messages.list"}'), { binary: true });
    expect((await binary.closed).code).toBe(CLOSE_BINARY);

    const badUtf8 = await open();
    badUtf8.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect((await badUtf8.closed).code).toBe(1007);

    const huge = await open();
    huge.send(
      JSON.stringify({ id: 'h', method: 'messages.create', input: { title: 'x', body: 'y'.repeat(9 * 1024 * 1024) } }),
    );
    expect((await huge.closed).code).toBe(1009);

    expect((await owner.rpc('messages.list', {})).status).toBe(200);
    const again = await open();
    expect(codeOf(await again.call('messages.list', {}))).toBe('OK');
    again.ws.close();
  });

  it('fast-check: random strings, JSON and request-shaped junk never crash it, never write, never reply INTERNAL', async () => {
    const before = f.rowCounts();
    const junk = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const methodArb = fc.oneof(
      fc.constantFrom(...METHOD_NAMES),
      fc.string({ maxLength: 30 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'vault.', ''),
    );
    const requestLike = fc
      .record(
        {
          id: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.integer(), junk),
          method: fc.oneof(methodArb, junk),
          input: fc.oneof(
            junk,
            methodArb.chain((m) =>
              isMethodName(m)
                ? fc.record(Object.fromEntries(keysOf(m).map((k) => [k, junk])), { requiredKeys: [] })
                : junk,
            ),
          ),
          extra: junk,
        },
        { requiredKeys: [] },
      )
      // Only calls the contract refuses: a well-formed `vault.lock` would just lock the vault.
      .filter((frame) => !(typeof frame.method === 'string' && isValid(frame.method, frame.input)))
      .map((frame) => JSON.stringify(frame));
    // Well-formed requests for methods that do not exist.
    const unknownMethod = fc
      .record({
        id: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.integer()),
        method: fc.string({ minLength: 1, maxLength: 30 }),
        input: junk,
      })
      .filter((frame) => !isMethodName(frame.method))
      .map((frame) => JSON.stringify(frame));
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.json({ maxDepth: 3 }),
      requestLike,
      requestLike,
      unknownMethod,
    );

    let socket = await open();
    let sentinel = 0;
    const seenOutcomes = new Map<string, number>();
    const count = (outcome: string): void => void seenOutcomes.set(outcome, (seenOutcomes.get(outcome) ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(text, async (frame) => {
        if (socket.ws.readyState !== WebSocket.OPEN) socket = await open();
        const id = `sentinel-${++sentinel}`;
        const seen = socket.replies.length;
        const answer = socket.replyFor(id).catch(() => null);
        socket.send(frame);
        socket.send(JSON.stringify({ id, method: 'vault.status' }));
        let json = true;
        try {
          JSON.parse(frame);
        } catch {
          json = false;
        }
        const sentinelReply = await answer;
        if (!json) {
          // Not JSON: closed without a reply to it (and so no answer to the sentinel either).
          expect(sentinelReply).toBeNull();
          expect((await socket.closed).code).toBe(CLOSE_NOT_JSON);
          expect(socket.replies.length).toBe(seen);
          count('closed');
          return;
        }
        expect(sentinelReply?.reply.ok).toBe(true);
        // The frame's own reply (calls run concurrently, so it may come after the sentinel's).
        const deadline = Date.now() + 3000;
        const others = (): ReplyFrame[] => socket.replies.slice(seen).filter((r) => r.id !== id);
        while (others().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        expect(others()).toHaveLength(1);
        expect(['BAD_REQUEST', 'NOT_FOUND']).toContain(codeOf(others()[0]!.reply));
        count(codeOf(others()[0]!.reply));
      }),
      { numRuns: 250 },
    );
    socket.ws.close();
    // Every kind of outcome was exercised.
    expect([...seenOutcomes.keys()].sort()).toEqual(['BAD_REQUEST', 'NOT_FOUND', 'closed']);

    expect(f.rowCounts()).toEqual(before);
    expect(rejections).toEqual([]);
    // The runner still answers HTTP, and the owner's session survived all of it.
    expect((await f.client().request('/healthz')).status).toBe(200);
    expect((await owner.rpc('messages.list', {})).reply).toMatchObject({ ok: true, data: { total: 1 } });
  });
});
