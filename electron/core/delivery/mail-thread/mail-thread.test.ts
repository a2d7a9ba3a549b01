import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../../test-support/smtp-server.js';
import type { OutgoingItem } from '../delivery-types.js';
import { EmailSender, type SmtpSettings } from '../email-sender.js';
import { MailThread, ownCopy, type StartThread } from './mail-thread.js';

const settings = (port: number): SmtpSettings => ({
  host: '127.0.0.1',
  port,
  tls: 'none',
  user: null,
  password: null,
  from: 'owner@example.org',
});

const notice = (key: string): OutgoingItem => ({
  idempotencyKey: key,
  target: { type: 'email', to: 'owner@example.org', toName: null },
  content: { kind: 'notice', subject: `Notice ${key}`, text: 'Something to know.' },
});

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function server(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const started = await startSmtpServer(options);
  cleanup.push(() => started.close());
  return started;
}

/** A relay that counts its open connections. */
async function countingServer(): Promise<{ relay: TestSmtpServer; open: () => number }> {
  let open = 0;
  const relay = await server({
    onConnect: (_session, callback) => {
      open++;
      callback();
    },
    onClose: () => {
      open--;
    },
  });
  return { relay, open: () => open };
}

function thread(idleMs?: number, start?: StartThread): MailThread {
  const mailThread = new MailThread(start, idleMs);
  cleanup.push(() => mailThread.terminate());
  return mailThread;
}

describe('MailThread', () => {
  it('runs transports to different relays side by side in one thread; closing one leaves the other', async () => {
    const [a, b] = [await server(), await server()];
    const mailThread = thread();
    const senderA = new EmailSender(settings(a.port), { pool: true, transportFor: (o) => mailThread.transport(o) });
    const senderB = new EmailSender(settings(b.port), { pool: true, transportFor: (o) => mailThread.transport(o) });
    const results = await Promise.all([
      senderA.send(notice('a1')),
      senderB.send(notice('b1')),
      senderA.send(notice('a2')),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(a.received.map((m) => m.raw.toString()).join()).toContain('Notice a2');
    expect(a.received).toHaveLength(2);
    expect(b.received).toHaveLength(1);

    await senderA.close();
    expect(await senderA.send(notice('a3'))).toMatchObject({ ok: false, permanent: false });
    expect(await senderB.send(notice('b2'))).toMatchObject({ ok: true });
    expect(a.received).toHaveLength(2);
    expect(b.received).toHaveLength(2);
    await senderB.close();
  });

  it('closing a pooled transport ends its connections to the relay', async () => {
    const { relay, open } = await countingServer();
    const mailThread = thread();
    const sender = new EmailSender(settings(relay.port), {
      pool: true,
      maxConnections: 2,
      transportFor: (o) => mailThread.transport(o),
    });
    await Promise.all([sender.send(notice('p1')), sender.send(notice('p2'))]);
    expect(open()).toBeGreaterThan(0);
    await sender.close();
    await expect.poll(open, { timeout: 5_000 }).toBe(0);
  });

  it('retires when idle, closing its connections; the next mail starts a new thread', async () => {
    const { relay, open } = await countingServer();
    const mailThread = thread(200);
    const sender = new EmailSender(settings(relay.port), { pool: true, transportFor: (o) => mailThread.transport(o) });
    expect(mailThread.running).toBe(false);
    expect(await sender.send(notice('before'))).toMatchObject({ ok: true });
    expect(mailThread.running).toBe(true);
    expect(open()).toBe(1);
    await expect.poll(() => mailThread.running, { timeout: 5_000 }).toBe(false);
    await expect.poll(open, { timeout: 5_000 }).toBe(0);

    expect(await sender.send(notice('after'))).toMatchObject({ ok: true });
    expect(mailThread.running).toBe(true);
    expect(relay.received.map((m) => m.messageId)).toHaveLength(2);
    await sender.close();
  });

  it('a send the thread held when it died fails temporarily; the next send starts a new thread', async () => {
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    let arrived: () => void = () => undefined;
    const dataArrived = new Promise<void>((resolve) => (arrived = resolve));
    const relay = await server({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          arrived();
          void answered.then(() => callback());
        });
      },
    });
    const mailThread = thread();
    const sender = new EmailSender(settings(relay.port), { pool: true, transportFor: (o) => mailThread.transport(o) });
    const pending = sender.send(notice('held'));
    await dataArrived;
    await mailThread.terminate();
    const result = await pending;
    // Temporary: the outbox sends it again (same Message-ID); the relay may have it already.
    expect(result).toMatchObject({ ok: false, permanent: false, errorCode: 'SMTP_ERROR' });
    expect(result.response).toMatch(/mail thread stopped/);
    release();

    const again = await sender.send(notice('after'));
    expect(again).toMatchObject({ ok: true });
    await sender.close();
  });

  it('does not keep the process alive once its sends are answered', async () => {
    const relay = await server();
    // A process that sends one mail through a pooled transport and never closes it: the relay's
    // connection stays open in the thread, yet the process ends when its own work is done.
    const script = `
      const { MailThread } = await import(${JSON.stringify(new URL('./mail-thread.ts', import.meta.url).href)});
      const { EmailSender } = await import(${JSON.stringify(new URL('../email-sender.ts', import.meta.url).href)});
      const mailThread = new MailThread();
      const sender = new EmailSender(${JSON.stringify(settings(relay.port))}, { pool: true, transportFor: (o) => mailThread.transport(o) });
      const result = await sender.send(${JSON.stringify(notice('alive'))});
      console.log(JSON.stringify(result));
    `;
    const dir = mkdtempSync(join(tmpdir(), 'afterword-mail-thread-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'send-once.mjs');
    writeFileSync(file, script);
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exit = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 30_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    expect(exit, err).toBe(0);
    expect(JSON.parse(out), out).toMatchObject({ ok: true });
    expect(relay.received).toHaveLength(1);
  });

  it('a thread that dies after it was ready fails what it held temporarily, and is started again', async () => {
    const relay = await server();
    let starts = 0;
    // A stand-in for the entry that says it is ready and then dies on the first mail.
    const dying: StartThread = () => {
      starts++;
      return new Worker(
        `const { parentPort } = require('node:worker_threads');
         parentPort.on('message', (m) => { if (m.type === 'send') throw new Error('boom'); });
         parentPort.postMessage({ type: 'ready' });`,
        { eval: true },
      );
    };
    const mailThread = thread(undefined, dying);
    const sender = new EmailSender(settings(relay.port), { transportFor: (o) => mailThread.transport(o) });
    const first = await sender.send(notice('d1'));
    expect(first).toMatchObject({ ok: false, permanent: false, errorCode: 'SMTP_ERROR' });
    expect(first.response).toMatch(/mail thread failed: boom/);
    expect(mailThread.unavailable).toBeNull();
    expect(await sender.send(notice('d2'))).toMatchObject({ ok: false, permanent: false });
    expect(starts).toBe(2);
    expect(relay.received).toHaveLength(0);
  });

  it('a thread that cannot start sends nothing itself: its mails, and later ones, go out on this thread', async () => {
    const relay = await server();
    let starts = 0;
    const broken: StartThread = () => {
      starts++;
      return new Worker(`throw new Error('cannot load the entry')`, { eval: true });
    };
    const mailThread = thread(undefined, broken);
    const sender = new EmailSender(settings(relay.port), { pool: true, transportFor: (o) => mailThread.transport(o) });
    const results = await Promise.all([sender.send(notice('b1')), sender.send(notice('b2'))]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(mailThread.unavailable).toMatch(/cannot load the entry/);
    expect(await sender.send(notice('b3'))).toMatchObject({ ok: true });
    expect(starts).toBe(1);
    expect(relay.received).toHaveLength(3);
    await sender.close();

    const throwing = thread(undefined, () => {
      throw new Error('no worker here');
    });
    const other = new EmailSender(settings(relay.port), { transportFor: (o) => throwing.transport(o) });
    expect(await other.send(notice('t1'))).toMatchObject({ ok: true });
    expect(throwing.unavailable).toMatch(/no worker here/);
    await other.close();
  });

  it('a mail that cannot cross to the thread is refused, and the thread still retires', async () => {
    const relay = await server();
    const mailThread = thread(200);
    const transport = mailThread.transport({ host: '127.0.0.1', port: relay.port, secure: false, ignoreTLS: true });
    expect(await transport.sendMail({ from: 'a@example.org', to: 'b@example.org', text: 'x' })).toHaveProperty(
      'response',
    );
    const uncloneable = {
      from: 'a@example.org',
      to: 'b@example.org',
      headers: { 'X-Fn': (() => 'x') as unknown as string },
    };
    await expect(transport.sendMail(uncloneable)).rejects.toThrow(/could not be cloned/);
    await expect.poll(() => mailThread.running, { timeout: 5_000 }).toBe(false);
  });

  it('hands over each attachment chunk in a buffer of its own, not the buffer it is a view of', () => {
    const pooled = Buffer.alloc(16_384, 7);
    const chunk = pooled.subarray(100, 164);
    const copy = ownCopy(chunk);
    expect(copy.buffer.byteLength).toBe(64);
    expect(Buffer.from(copy).equals(chunk)).toBe(true);
    expect(ownCopy('héllo').buffer.byteLength).toBe(6);
    expect(() => ownCopy(42)).toThrow(TypeError);
  });
});
