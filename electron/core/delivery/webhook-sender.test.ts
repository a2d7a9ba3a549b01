import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { OutgoingAttachment, OutgoingItem } from './delivery-types.js';
import type { WebhookPayload } from './webhook-payload.js';
import { generateWebhookSecret } from './webhook-secret.js';
import { classifyWebhookResponse, parseRetryAfter, WebhookSender, webhookMessageId } from './webhook-sender.js';

interface Recorded {
  path: string;
  headers: Record<string, string>;
  body: string;
  verified: boolean;
  payload: WebhookPayload | null;
}

const SECRET = generateWebhookSecret();

let server: Server;
let base: string;
const recorded: Recorded[] = [];

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  const path = req.url ?? '/';
  const headers = flatHeaders(req);
  let payload: WebhookPayload | null = null;
  let verified: boolean;
  try {
    payload = new Webhook(SECRET).verify(body, headers) as WebhookPayload;
    verified = true;
  } catch {
    verified = false;
  }
  recorded.push({ path, headers, body, verified, payload });

  if (path === '/hang') return; // never answers
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) {
    const code = Number(status[1]);
    const extra: Record<string, string> = code === 503 ? { 'retry-after': '120' } : {};
    res.writeHead(code, { 'content-type': 'text/plain', ...extra }).end(`status ${code} as asked`);
    return;
  }
  if (path === '/redirect') {
    res.writeHead(302, { location: `${base}/ok` }).end();
    return;
  }
  if (path === '/chatty') {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('e'.repeat(100_000));
    return;
  }
  // /ok and anything else: 204 when the signature verifies, 401 otherwise.
  res.writeHead(verified ? 204 : 401).end();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const ISSUED = Date.UTC(2025, 2, 1, 12, 0, 0);

/** The receiver listens on loopback: the webhook is marked as being on the owner's own network. */
const target = (path: string, secret = SECRET) =>
  ({ type: 'webhook', url: `${base}${path}`, secret, name: 'Home server', allowPrivateNetwork: true }) as const;

const warningItem = (path = '/ok'): OutgoingItem => ({
  idempotencyKey: 'obx_warning_2',
  target: target(path),
  content: {
    kind: 'warning',
    planId: 'pln_3kq9x0c7m1f2a8zt',
    planName: 'Family',
    level: 2,
    levelCount: 5,
    nextActionAt: ISSUED + 3 * 86_400_000,
    final: false,
    messageCount: 4,
    checkinUrl: 'https://afterword.example/checkin/tok_abc',
    issuedAt: ISSUED,
  },
});

function attachment(name: string, bytes: Buffer): OutgoingAttachment {
  return {
    name,
    mediaType: 'application/octet-stream',
    size: bytes.length,
    async *open() {
      for (let i = 0; i < bytes.length; i += 7) yield new Uint8Array(bytes.subarray(i, i + 7));
    },
  };
}

const SMALL = Buffer.from('hello, attachment \u00e9\u0000\u00ff', 'utf8');

const deliveryItem = (
  attachments: OutgoingAttachment[] = [attachment('note.txt', SMALL)],
  path = '/ok',
): OutgoingItem => ({
  idempotencyKey: 'obx_delivery_1',
  target: target(path),
  content: {
    kind: 'delivery',
    messageId: 'msg_3kq9x0c7m1f2a8zt',
    title: 'For Anna',
    bodyText: 'Dear Anna,\nthe keys are with the neighbour.',
    bodyHtml: '<p>Dear Anna,</p>',
    senderName: 'Jo',
    attachments,
  },
});

const last = (): Recorded => recorded.at(-1)!;

describe('WebhookSender against a loopback HTTP server', () => {
  const sender = new WebhookSender();

  it('delivers a signed warning that verifies with standardwebhooks', async () => {
    const r = await sender.send(warningItem());
    expect(r).toEqual({ ok: true, response: 'HTTP 204' });
    const got = last();
    expect(got.verified).toBe(true);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('Afterword/0.1');
    expect(got.headers['webhook-id']).toBe(webhookMessageId('obx_warning_2'));
    expect(got.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(got.payload).toEqual({
      type: 'afterword.warning',
      timestamp: '2025-03-01T12:00:00.000Z',
      data: {
        planId: 'pln_3kq9x0c7m1f2a8zt',
        planName: 'Family',
        level: 2,
        levelCount: 5,
        final: false,
        nextActionAt: '2025-03-04T12:00:00.000Z',
        messageCount: 4,
        checkinUrl: 'https://afterword.example/checkin/tok_abc',
      },
    });
  });

  it('delivers a message with its attachment inline, and keeps the webhook-id on a resend', async () => {
    expect(await sender.send(deliveryItem())).toMatchObject({ ok: true });
    const first = last();
    expect(first.verified).toBe(true);
    expect(first.payload!.type).toBe('afterword.delivery');
    const data = first.payload!.data as Extract<WebhookPayload, { type: 'afterword.delivery' }>['data'];
    expect(data).toMatchObject({
      messageId: 'msg_3kq9x0c7m1f2a8zt',
      title: 'For Anna',
      text: 'Dear Anna,\nthe keys are with the neighbour.',
      html: '<p>Dear Anna,</p>',
      senderName: 'Jo',
    });
    expect(data.attachments).toHaveLength(1);
    const att = data.attachments[0]!;
    expect(att).toMatchObject({ name: 'note.txt', mediaType: 'application/octet-stream', size: SMALL.length });
    expect('contentBase64' in att && Buffer.from(att.contentBase64, 'base64').equals(SMALL)).toBe(true);

    expect(await sender.send(deliveryItem())).toMatchObject({ ok: true });
    const again = last();
    expect(again.verified).toBe(true);
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(again.headers['webhook-id']).toBe(webhookMessageId('obx_delivery_1'));
    expect(again.headers['webhook-id']).not.toBe(webhookMessageId('obx_warning_2'));
  });

  it('inlines attachments in order while they fit, then marks the rest omitted', async () => {
    const small = new WebhookSender({ maxInlineAttachmentBytes: 100 });
    const a = Buffer.alloc(60, 1);
    const b = Buffer.alloc(60, 2);
    const c = Buffer.alloc(10, 3);
    expect(await small.send(deliveryItem([attachment('a', a), attachment('b', b), attachment('c', c)]))).toMatchObject({
      ok: true,
    });
    const data = last().payload!.data as Extract<WebhookPayload, { type: 'afterword.delivery' }>['data'];
    expect(
      data.attachments.map((x) => ('omitted' in x ? 'omitted' : Buffer.from(x.contentBase64, 'base64').length)),
    ).toEqual([60, 'omitted', 'omitted']);
    expect(data.attachments[1]).toEqual({ name: 'b', mediaType: 'application/octet-stream', size: 60, omitted: true });
  });

  it('omits an attachment that turns out longer than its declared size would allow', async () => {
    const small = new WebhookSender({ maxInlineAttachmentBytes: 50 });
    const liar: OutgoingAttachment = { ...attachment('liar', Buffer.alloc(200)), size: 10 };
    expect(await small.send(deliveryItem([liar]))).toMatchObject({ ok: true });
    const data = last().payload!.data as Extract<WebhookPayload, { type: 'afterword.delivery' }>['data'];
    expect(data.attachments).toEqual([
      { name: 'liar', mediaType: 'application/octet-stream', size: 10, omitted: true },
    ]);
  });

  it('sends notices and tests', async () => {
    const t = target('/ok');
    expect(
      await sender.send({
        idempotencyKey: 'n',
        target: t,
        content: { kind: 'notice', subject: 'Failing', text: 'Details' },
      }),
    ).toMatchObject({ ok: true });
    expect(last().payload).toMatchObject({ type: 'afterword.notice', data: { subject: 'Failing', text: 'Details' } });
    expect(
      await sender.send({ idempotencyKey: 't', target: t, content: { kind: 'test', text: 'Ping' } }),
    ).toMatchObject({ ok: true });
    expect(last().payload).toMatchObject({
      type: 'afterword.test',
      data: { subject: 'Afterword: test message', text: 'Ping' },
    });
    expect(last().verified).toBe(true);
  });

  it('500 → temporary', async () => {
    const r = await sender.send(warningItem('/status/500'));
    expect(r).toEqual({
      ok: false,
      permanent: false,
      errorCode: 'WEBHOOK_TEMPORARY',
      response: 'HTTP 500: status 500 as asked',
    });
  });

  it('503 with Retry-After: 120 → temporary with retryAfterMs 120000', async () => {
    const r = await sender.send(warningItem('/status/503'));
    expect(r).toMatchObject({ ok: false, permanent: false, errorCode: 'WEBHOOK_TEMPORARY', retryAfterMs: 120_000 });
  });

  it.each([408, 429])('%i → temporary', async (code) => {
    expect(await sender.send(warningItem(`/status/${code}`))).toMatchObject({
      ok: false,
      permanent: false,
      errorCode: 'WEBHOOK_TEMPORARY',
    });
  });

  it.each([410, 400, 404])('%i → permanent WEBHOOK_REJECTED', async (code) => {
    expect(await sender.send(warningItem(`/status/${code}`))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_REJECTED',
    });
  });

  it('a wrong secret is rejected by the receiver (401 → permanent)', async () => {
    const item = { ...warningItem(), target: target('/ok', generateWebhookSecret()) };
    expect(await sender.send(item)).toMatchObject({ ok: false, permanent: true, errorCode: 'WEBHOOK_REJECTED' });
    expect(last().verified).toBe(false);
  });

  it('does not follow redirects', async () => {
    const before = recorded.length;
    expect(await sender.send(warningItem('/redirect'))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_REDIRECT',
    });
    expect(recorded.length).toBe(before + 1);
  });

  it('truncates the response text to 500 characters', async () => {
    const r = await sender.send(warningItem('/chatty'));
    expect(r.ok).toBe(false);
    expect(r.response).toHaveLength(500);
    expect(r.response.startsWith('HTTP 500: eee')).toBe(true);
  });

  it('a server that never answers → temporary WEBHOOK_UNREACHABLE after timeoutMs', async () => {
    const quick = new WebhookSender({ timeoutMs: 300 });
    const started = Date.now();
    const r = await quick.send(warningItem('/hang'));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r).toEqual({
      ok: false,
      permanent: false,
      errorCode: 'WEBHOOK_UNREACHABLE',
      response: 'no answer within 300 ms',
    });
  });

  it('connection refused → temporary WEBHOOK_UNREACHABLE', async () => {
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const item = { ...warningItem(), target: { ...target('/ok'), url: `http://127.0.0.1:${port}/hook` } };
    const r = await sender.send(item);
    expect(r).toMatchObject({ ok: false, permanent: false, errorCode: 'WEBHOOK_UNREACHABLE' });
    expect(r.response).toContain('ECONNREFUSED');
    // The webhook's host is not named in what is stored and shown to monitors.
    expect(r.response).not.toContain('127.0.0.1');
    expect(r.response).toContain('[host]');
  });

  it('turns credentials in the URL into a Basic authorization header', async () => {
    const item = {
      ...warningItem(),
      target: { ...target('/ok'), url: base.replace('http://', 'http://hook%20user:p%40ss@') + '/ok' },
    };
    expect(await sender.send(item)).toMatchObject({ ok: true });
    expect(last().headers.authorization).toBe(`Basic ${Buffer.from('hook user:p@ss').toString('base64')}`);
  });

  it('refuses unusable URLs, secrets and targets without sending', async () => {
    const before = recorded.length;
    const bad = (url: string, secret = SECRET): OutgoingItem => ({
      ...warningItem(),
      target: { ...target('/ok'), url, secret },
    });
    expect(await sender.send(bad('not a url'))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_BAD_URL',
    });
    expect(await sender.send(bad('ftp://example.org/x'))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_BAD_URL',
    });
    expect(await sender.send(bad(`${base}/ok`, 'whsec_'))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_BAD_SECRET',
    });
    const email: OutgoingItem = { ...warningItem(), target: { type: 'email', to: 'a@example.org', toName: null } };
    expect(await sender.send(email)).toMatchObject({ ok: false, permanent: true, errorCode: 'CHANNEL_MISMATCH' });
    expect(recorded.length).toBe(before);
  });

  it('uses an injected fetch', async () => {
    const calls: string[] = [];
    const fake: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response('queued', { status: 202 });
    };
    expect(await new WebhookSender({ fetchImpl: fake }).send(warningItem())).toEqual({
      ok: true,
      response: 'HTTP 202: queued',
    });
    expect(calls).toEqual([`${base}/ok`]);
  });
});

describe('WebhookSender: where a webhook may connect, checked at send time', () => {
  /** DNS played by the test: each name answers what the map says. */
  const dns = (answers: Record<string, string[]>) => async (hostname: string) => {
    const addresses = answers[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const port = () => new URL(base).port;
  const to = (url: string, allowPrivateNetwork: boolean): OutgoingItem => ({
    ...warningItem(),
    target: { ...target('/ok'), url, allowPrivateNetwork },
  });

  it('refuses a host name that resolves to loopback unless the webhook is on the own network, and then connects to it', async () => {
    const before = recorded.length;
    const url = `http://localhost:${port()}/ok`;
    const refused = await new WebhookSender().send(to(url, false));
    expect(refused).toMatchObject({ ok: false, permanent: true, errorCode: 'WEBHOOK_PRIVATE_ADDRESS' });
    expect(refused.ok ? '' : refused.response).toMatch(/\[host\] resolves to (127\.0\.0\.1|::1).*own network/);
    expect(recorded.length).toBe(before);

    const sender = new WebhookSender({ resolveHost: dns({ 'hooks.example.test': ['127.0.0.1'] }) });
    expect(await sender.send(to(`http://hooks.example.test:${port()}/ok`, true))).toEqual({
      ok: true,
      response: 'HTTP 204',
    });
    const last = recorded.at(-1)!;
    expect(last.verified).toBe(true);
    expect(last.headers.host).toBe(`hooks.example.test:${port()}`);
  });

  it('checks what the name resolves to at send time (DNS rebinding), every address of it', async () => {
    const answers: Record<string, string[]> = { 'rebind.example.test': ['93.184.215.14'] };
    const sender = new WebhookSender({ resolveHost: dns(answers), timeoutMs: 200 });
    const before = recorded.length;
    answers['rebind.example.test'] = ['169.254.169.254'];
    expect(await sender.send(to('http://rebind.example.test/latest/meta-data', true))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_FORBIDDEN_ADDRESS',
    });
    answers['rebind.example.test'] = ['93.184.215.14', '10.0.0.7'];
    expect(await sender.send(to('http://rebind.example.test/', false))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_PRIVATE_ADDRESS',
    });
    answers['rebind.example.test'] = ['::ffff:127.0.0.1'];
    expect(await sender.send(to('http://rebind.example.test/', false))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_PRIVATE_ADDRESS',
    });
    answers['rebind.example.test'] = ['fd00:ec2::254'];
    expect(await sender.send(to('http://rebind.example.test/', true))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_FORBIDDEN_ADDRESS',
    });
    expect(recorded.length).toBe(before);
  });

  it('refuses a literal address it may not reach, stored before the rules existed', async () => {
    const sender = new WebhookSender({ resolveHost: dns({}) });
    expect(await sender.send(to(`http://127.0.0.1:${port()}/ok`, false))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_PRIVATE_ADDRESS',
    });
    expect(await sender.send(to('http://169.254.169.254/', true))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_FORBIDDEN_ADDRESS',
    });
    expect(await sender.send(to('http://[fe80::1]/', true))).toMatchObject({
      ok: false,
      permanent: true,
      errorCode: 'WEBHOOK_FORBIDDEN_ADDRESS',
    });
  });

  it('a name that does not resolve is a temporary failure', async () => {
    const sender = new WebhookSender({ resolveHost: dns({}) });
    expect(await sender.send(to('https://nowhere.example.test/', false))).toMatchObject({
      ok: false,
      permanent: false,
      errorCode: 'WEBHOOK_UNREACHABLE',
    });
  });
});

describe('webhook helpers', () => {
  it('generates Standard Webhooks secrets', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(a);
    const wh = new Webhook(a);
    const now = new Date();
    const sig = wh.sign('msg_1', now, '{}');
    expect(
      wh.verify('{}', {
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': sig,
      }),
    ).toEqual({});
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2025, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('classifies statuses', () => {
    expect(classifyWebhookResponse(200, 'ok')).toEqual({ ok: true, response: 'HTTP 200: ok' });
    expect(classifyWebhookResponse(429, '', '7')).toEqual({
      ok: false,
      permanent: false,
      errorCode: 'WEBHOOK_TEMPORARY',
      response: 'HTTP 429',
      retryAfterMs: 7000,
    });
    expect(classifyWebhookResponse(502, '')).toMatchObject({ permanent: false });
    expect(classifyWebhookResponse(301, '')).toMatchObject({ permanent: true, errorCode: 'WEBHOOK_REDIRECT' });
    expect(classifyWebhookResponse(422, '')).toMatchObject({ permanent: true, errorCode: 'WEBHOOK_REJECTED' });
  });
});
