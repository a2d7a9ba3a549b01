import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { DeliveryContent, OutgoingAttachment, OutgoingItem, WarningContent } from './delivery-types.js';
import { EmailSender, stableMessageId, type EmailSenderOptions, type SmtpSettings } from './email-sender.js';
import { MailThread } from './mail-thread/mail-thread.js';
import { opensslAvailable, selfSignedCertificate } from '../test-support/self-signed-certificate.js';

// ---------------------------------------------------------------------------------------------
// Loopback SMTP servers

interface Received {
  raw: Buffer;
  from: string;
  to: string[];
  user: string | undefined;
}

interface TestServer {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

const smtpError = (message: string, responseCode: number): Error => Object.assign(new Error(message), { responseCode });

/** Recipients whose local part asks for a failure: rcpt451@…, rcpt550@…, data451@…, data550@… */
async function startSmtp(options: SMTPServerOptions = {}): Promise<TestServer> {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: options.key ? [] : ['STARTTLS'],
    closeTimeout: 500,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('rcpt451@')) return callback(smtpError('Greylisted, try again later', 451));
      if (address.address.startsWith('rcpt550@')) return callback(smtpError('No such user here', 550));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (to.some((a) => a.startsWith('data451@'))) return callback(smtpError('Queue full, try later', 451));
        if (to.some((a) => a.startsWith('data550@'))) return callback(smtpError('Message content rejected', 550));
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        received.push({ raw: Buffer.concat(chunks), from, to, user: session.user as string | undefined });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------------------------
// Content

const settings = (port: number, over: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: '127.0.0.1',
  port,
  tls: 'none',
  user: null,
  password: null,
  from: 'Afterword <owner@example.org>',
  ...over,
});

function attachment(name: string, mediaType: string, bytes: Buffer, chunk = 65536): OutgoingAttachment {
  return {
    name,
    mediaType,
    size: bytes.length,
    async *open() {
      for (let i = 0; i < bytes.length; i += chunk) yield new Uint8Array(bytes.subarray(i, i + chunk));
    },
  };
}

const BIG = randomBytes(200 * 1024);
const SMALL = Buffer.from('name,value\nanna,42\n', 'utf8');
const TITLE = 'For Anna: the house keys';

const deliveryItem = (to = 'anna@example.org', key = 'obx_delivery_1'): OutgoingItem => ({
  idempotencyKey: key,
  target: { type: 'email', to, toName: 'Anna Example' },
  content: {
    kind: 'delivery',
    messageId: 'msg_3kq9x0c7m1f2a8zt',
    title: TITLE,
    bodyText: 'Dear Anna,\nthe keys are with the neighbour.\n',
    bodyHtml: '<p>Dear Anna,</p><p>the keys are with <strong>the neighbour</strong>.</p>',
    senderName: 'Jo',
    attachments: [attachment('photo.bin', 'application/octet-stream', BIG), attachment('list.csv', 'text/csv', SMALL)],
  } satisfies DeliveryContent,
});

const ISSUED = Date.UTC(2025, 2, 1, 12, 0, 0);
const warningItem = (final = false): OutgoingItem => ({
  idempotencyKey: `obx_warning_${final ? 5 : 2}`,
  target: { type: 'email', to: 'owner@example.org', toName: null },
  content: {
    kind: 'warning',
    planId: 'pln_3kq9x0c7m1f2a8zt',
    planName: 'Family',
    level: final ? 5 : 2,
    levelCount: 5,
    nextActionAt: ISSUED + 3 * 86_400_000,
    final,
    messageCount: 4,
    checkinUrl: 'https://afterword.example/checkin/tok_abc',
    issuedAt: ISSUED,
  } satisfies WarningContent,
});

const parse = (r: Received): Promise<ParsedMail> => simpleParser(r.raw);

// ---------------------------------------------------------------------------------------------
// Every test runs with both transports: nodemailer in this thread, and the mail thread the outbox
// uses (the same nodemailer in a worker thread; errors and attachment streams cross over to it).

const mailThread = new MailThread();
afterAll(() => mailThread.terminate());

const TRANSPORTS: [string, EmailSenderOptions['transportFor']][] = [
  ['in this thread', undefined],
  ['in the mail thread', (options) => mailThread.transport(options)],
];

for (const [where, transportFor] of TRANSPORTS) {
  const newSender = (smtp: SmtpSettings, options: EmailSenderOptions = {}): EmailSender =>
    new EmailSender(smtp, { ...options, transportFor });

  describe(`EmailSender ${where}: against a loopback smtp-server`, () => {
    let server: TestServer;
    let sender: EmailSender;

    beforeAll(async () => {
      server = await startSmtp();
      sender = newSender(settings(server.port), { hostnameForMessageId: 'mail.example.org' });
    });
    afterAll(async () => {
      await sender.close();
      await server.close();
    });

    it('delivers a multipart message with text, html and byte-identical streamed attachments', async () => {
      const item = deliveryItem();
      const result = await sender.send(item);
      expect(result).toMatchObject({ ok: true });
      expect(result.response).toMatch(/^250 /);

      const got = server.received.at(-1)!;
      expect(got.to).toEqual(['anna@example.org']);
      expect(got.from).toBe('owner@example.org');
      const mail = await parse(got);
      expect(mail.subject).toBe(TITLE);
      expect(mail.text).toContain('the keys are with the neighbour.');
      expect(mail.text).toContain('sent by Afterword on behalf of Jo');
      expect(mail.html).toContain('<strong>the neighbour</strong>');
      expect(mail.html).toContain('on behalf of Jo');
      expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/mixed' });

      expect(mail.attachments).toHaveLength(2);
      const [photo, list] = mail.attachments;
      expect(photo!.filename).toBe('photo.bin');
      expect(photo!.contentType).toBe('application/octet-stream');
      expect(photo!.content.equals(BIG)).toBe(true);
      expect(list!.filename).toBe('list.csv');
      expect(list!.contentType).toBe('text/csv');
      expect(list!.content.equals(SMALL)).toBe(true);

      const expectedId = stableMessageId('obx_delivery_1', 'mail.example.org');
      expect(expectedId).toMatch(/^<[0-9a-f]{32}@mail\.example\.org>$/);
      expect(mail.messageId).toBe(expectedId);
      expect(mail.headers.get('x-afterword-idempotency-key')).toBe('obx_delivery_1');
      expect(mail.headers.get('auto-submitted')).toBeUndefined();
    });

    it('re-sends the same item with the same Message-ID (attachments re-opened)', async () => {
      const before = server.received.length;
      expect(await sender.send(deliveryItem())).toMatchObject({ ok: true });
      expect(await sender.send(deliveryItem('anna@example.org', 'obx_other'))).toMatchObject({ ok: true });
      const [again, other] = await Promise.all(server.received.slice(before).map(parse));
      expect(again!.messageId).toBe(stableMessageId('obx_delivery_1', 'mail.example.org'));
      expect(again!.attachments[0]!.content.equals(BIG)).toBe(true);
      expect(other!.messageId).not.toBe(again!.messageId);
    });

    it('sends a warning with level, next date and check-in instructions, and no message content', async () => {
      expect(await sender.send(warningItem())).toMatchObject({ ok: true });
      const mail = await parse(server.received.at(-1)!);
      expect(mail.subject).toBe('Afterword: are you there? (warning 2 of 5)');
      expect(mail.text).toContain('warning 2 of 5');
      expect(mail.text).toContain('warning 3 of 5 follows on 2025-03-04T12:00:00Z (in 3 days)');
      expect(mail.text).toContain('afterword checkin');
      expect(mail.text).toContain('"I\'m here"');
      expect(mail.text).toContain('https://afterword.example/checkin/tok_abc');
      expect(mail.text).toContain('Checking in stops everything');
      expect(mail.html).toContain('href="https://afterword.example/checkin/tok_abc"');
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
      const all = `${mail.subject}\n${mail.text}\n${mail.html}`;
      expect(all).not.toContain(TITLE);
      expect(all).not.toContain('neighbour');
      expect(mail.attachments).toHaveLength(0);
      expect(mail.messageId).toBe(stableMessageId('obx_warning_2', 'mail.example.org'));
    });

    it('sends the final warning with the delivery date in the subject', async () => {
      expect(await sender.send(warningItem(true))).toMatchObject({ ok: true });
      const mail = await parse(server.received.at(-1)!);
      expect(mail.subject).toBe('Afterword: FINAL warning — your messages go out on 2025-03-04 12:00 UTC');
      expect(mail.text).toContain('your 4 messages will be delivered to their recipients on 2025-03-04T12:00:00Z');
    });

    it('sends notices and tests', async () => {
      const base = { target: { type: 'email', to: 'owner@example.org', toName: 'Owner' } } as const;
      expect(
        await sender.send({
          ...base,
          idempotencyKey: 'n1',
          content: { kind: 'notice', subject: 'Delivery failing', text: 'Details' },
        }),
      ).toMatchObject({ ok: true });
      expect((await parse(server.received.at(-1)!)).subject).toBe('Afterword: Delivery failing');
      expect(await sender.send({ ...base, idempotencyKey: 't1', content: { kind: 'test', text: 'Hi' } })).toMatchObject(
        { ok: true },
      );
      const test = await parse(server.received.at(-1)!);
      expect(test.subject).toBe('Afterword: test message');
      expect(test.to).toMatchObject({ value: [{ address: 'owner@example.org', name: 'Owner' }] });
    });

    it('451 on RCPT TO → temporary SMTP_TEMPORARY', async () => {
      const r = await sender.send(deliveryItem('rcpt451@example.org'));
      expect(r).toMatchObject({ ok: false, permanent: false, errorCode: 'SMTP_TEMPORARY' });
      expect(r.response).toContain('451');
    });

    it('451 after DATA → temporary SMTP_TEMPORARY', async () => {
      const r = await sender.send(deliveryItem('data451@example.org'));
      expect(r).toMatchObject({ ok: false, permanent: false, errorCode: 'SMTP_TEMPORARY' });
      expect(r.response).toContain('Queue full');
    });

    it('550 on RCPT TO → permanent SMTP_REJECTED', async () => {
      const r = await sender.send(deliveryItem('rcpt550@example.org'));
      expect(r).toMatchObject({ ok: false, permanent: true, errorCode: 'SMTP_REJECTED' });
      expect(r.response).toContain('550');
    });

    it('550 after DATA → permanent SMTP_REJECTED', async () => {
      const r = await sender.send(deliveryItem('data550@example.org'));
      expect(r).toMatchObject({ ok: false, permanent: true, errorCode: 'SMTP_REJECTED' });
    });

    it('a failing attachment stream rejects with its own error and sends nothing', async () => {
      const before = server.received.length;
      class BlobTamperedError extends Error {}
      const item = deliveryItem();
      const content = item.content as DeliveryContent;
      content.attachments = [
        {
          name: 'broken.bin',
          mediaType: 'application/octet-stream',
          size: 200_000,
          async *open() {
            yield new Uint8Array(65536);
            throw new BlobTamperedError('chunk 1 failed verification');
          },
        },
      ];
      await expect(sender.send(item)).rejects.toBeInstanceOf(BlobTamperedError);
      expect(server.received.length).toBe(before);
    });

    it('refuses a webhook target', async () => {
      const r = await sender.send({
        ...deliveryItem(),
        target: { type: 'webhook', url: 'https://x.invalid', secret: 'whsec_AA==', name: 'x' },
      });
      expect(r).toMatchObject({ ok: false, permanent: true, errorCode: 'CHANNEL_MISMATCH' });
    });
  });

  describe(`EmailSender ${where}: connection failures and pooling`, () => {
    it('connection refused → temporary SMTP_CONNECTION', async () => {
      const sender = newSender(settings(await deadPort()));
      const r = await sender.send(warningItem());
      await sender.close();
      expect(r).toMatchObject({ ok: false, permanent: false, errorCode: 'SMTP_CONNECTION' });
      expect(r.response).toContain('ECONNREFUSED');
    });

    it('pooled sending delivers concurrent mails over a few connections', async () => {
      const server = await startSmtp();
      const sender = newSender(settings(server.port), { pool: true, maxConnections: 2 });
      try {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => sender.send({ ...warningItem(), idempotencyKey: `pool_${i}` })),
        );
        expect(results.every((r) => r.ok)).toBe(true);
        expect(server.received).toHaveLength(8);
        const ids = new Set((await Promise.all(server.received.map(parse))).map((m) => m.messageId));
        expect(ids.size).toBe(8);
        expect([...ids].every((id) => id!.endsWith('@afterword.invalid>'))).toBe(true);
      } finally {
        await sender.close();
        await server.close();
      }
    });

    it('rejects a Message-ID host that would break the header', () => {
      expect(() => newSender(settings(25), { hostnameForMessageId: 'a> b' })).toThrow(TypeError);
    });
  });

  describe(`EmailSender ${where}: AUTH`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startSmtp({
        authOptional: false,
        allowInsecureAuth: true,
        onAuth(auth, _session, callback) {
          if (auth.username === 'owner' && auth.password === 'correct horse') return callback(null, { user: 'owner' });
          callback(smtpError('Invalid username or password', 535));
        },
      });
    });
    afterAll(async () => {
      await server.close();
    });

    it('logs in with user and password', async () => {
      const sender = newSender(settings(server.port, { user: 'owner', password: 'correct horse' }));
      const r = await sender.send(warningItem());
      await sender.close();
      expect(r).toMatchObject({ ok: true });
      expect(server.received.at(-1)!.user).toBe('owner');
    });

    it('a wrong password → permanent SMTP_AUTH', async () => {
      const sender = newSender(settings(server.port, { user: 'owner', password: 'wrong' }));
      const r = await sender.send(warningItem());
      await sender.close();
      expect(r).toMatchObject({ ok: false, permanent: true, errorCode: 'SMTP_AUTH' });
      expect(r.response).toContain('535');
    });
  });

  // ---------------------------------------------------------------------------------------------
  // TLS: needs a certificate, which Node cannot make by itself.

  if (!opensslAvailable) {
    // eslint-disable-next-line no-console
    console.warn('skipped: openssl not available (EmailSender TLS tests)');
  }

  describe.skipIf(!opensslAvailable)(`EmailSender ${where}: TLS with a self-signed certificate`, () => {
    let dir: string;
    let key: string;
    let cert: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'afterword-smtp-tls-'));
      ({ key, cert } = selfSignedCertificate(dir));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('STARTTLS works when the certificate is trusted through `ca`, and fails (temporarily) when not', async () => {
      let secured = false;
      const server = await startSmtp({
        key,
        cert,
        onSecure(_socket, _session, callback) {
          secured = true;
          callback();
        },
      });
      try {
        const trusting = newSender(settings(server.port, { tls: 'starttls', ca: [cert] }));
        expect(await trusting.send(deliveryItem())).toMatchObject({ ok: true });
        await trusting.close();
        expect(secured).toBe(true);
        expect((await parse(server.received.at(-1)!)).attachments[0]!.content.equals(BIG)).toBe(true);

        const distrusting = newSender(settings(server.port, { tls: 'starttls' }));
        const r = await distrusting.send(warningItem());
        await distrusting.close();
        expect(r).toMatchObject({ ok: false, permanent: false, errorCode: 'SMTP_CONNECTION' });
        expect(server.received).toHaveLength(1);
      } finally {
        await server.close();
      }
    });

    it('implicit TLS works, with AUTH over it', async () => {
      const server = await startSmtp({
        key,
        cert,
        secure: true,
        authOptional: false,
        onAuth(auth, _session, callback) {
          if (auth.username === 'owner' && auth.password === 'pw') return callback(null, { user: 'owner' });
          callback(smtpError('Invalid username or password', 535));
        },
      });
      try {
        const sender = newSender(settings(server.port, { tls: 'implicit', ca: [cert], user: 'owner', password: 'pw' }));
        expect(await sender.send(warningItem())).toMatchObject({ ok: true });
        await sender.close();
        expect(server.received.at(-1)!.user).toBe('owner');
      } finally {
        await server.close();
      }
    });

    it('starttls mode refuses a server that does not offer STARTTLS', async () => {
      const server = await startSmtp(); // plaintext only
      try {
        const sender = newSender(settings(server.port, { tls: 'starttls' }));
        const r = await sender.send(warningItem());
        await sender.close();
        // nodemailer sends STARTTLS anyway and gets "500 command not recognized": nothing goes out
        // in the clear, and retrying would not change the server's mind.
        expect(r).toMatchObject({ ok: false, permanent: true, errorCode: 'SMTP_REJECTED' });
        expect(server.received).toHaveLength(0);
      } finally {
        await server.close();
      }
    });
  });
}
