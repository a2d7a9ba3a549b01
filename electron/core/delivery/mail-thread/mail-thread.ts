/**
 * The main thread's side of the mail thread (mail-thread-entry.ts): one worker thread per process
 * that holds the nodemailer transports, so composing and sending mails runs beside the main
 * thread instead of on it. A ThreadedMailTransport is a MailTransport like nodemailer's own: the
 * mail crosses as plain data, and what comes back is nodemailer's answer or an error carrying the
 * fields classifySmtpError reads, so EmailSender treats both alike.
 *
 * The thread starts with the first transport that sends and is shared by all of them, so its
 * compiled code stays warm through a burst of drains. It keeps the process alive only while it
 * holds a send or a close, and retires after IDLE_MS without one (closing its connections), so an
 * app that sent a warning last week does not carry a thread for it; the next mail starts a new
 * one and opens its transport there again. If the thread dies (it should not; out of memory,
 * say), every mail it held fails with a temporary error, so the outbox retries it (same
 * Message-ID).
 */
import type { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import type { SMTPTransportOptions, SendMailOptions } from 'nodemailer';
import { startWorker } from '../../../node/start-worker.js';
import type { MailTransport, SentInfo } from '../email-sender.js';
import { ERROR_FIELDS, type FromThread, type PipedAttachment, type SmtpErrorFields, type ThreadMail, type ToThread } from './protocol.js';

/** An Error carrying nodemailer's fields (code, responseCode, response, ...) back from the thread. */
export class MailThreadError extends Error {
  constructor(fields: SmtpErrorFields) {
    super(fields.message);
    this.name = fields.name;
    for (const key of ERROR_FIELDS) if (fields[key] !== undefined) Object.assign(this, { [key]: fields[key] });
  }
}

export type StartThread = () => Worker;

/** A thread with nothing to do retires after this long. */
export const IDLE_MS = 30_000;

const startMailThread: StartThread = () => startWorker(new URL('./mail-thread-entry', import.meta.url), import.meta.url);

interface Waiting {
  resolve: (value: SentInfo) => void;
  reject: (error: Error) => void;
  pipes: number[];
}

/** A running thread and what it has been asked to do. */
interface Running {
  worker: Worker;
  /** Transports opened in this thread. */
  opened: Set<number>;
}

export class MailThread {
  private current: Running | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private readonly pipes = new Map<number, AsyncIterator<unknown>>();
  private nextNumber = 1;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly start: StartThread = startMailThread,
    private readonly idleMs: number = IDLE_MS,
  ) {}

  /** Whether a thread is running now (it starts with a send and retires when idle). */
  get running(): boolean {
    return this.current !== null;
  }

  /** A transport in this thread, with nodemailer's options (pool settings included). */
  transport(options: SMTPTransportOptions): MailTransport {
    const transport = this.nextNumber++;
    let closed = false;
    return {
      sendMail: (mail) => {
        if (closed) return Promise.reject(Object.assign(new Error('the mail transport is closed'), { code: 'ECLOSED' }));
        return this.send(transport, options, mail);
      },
      close: () => {
        closed = true;
        return this.close(transport);
      },
    };
  }

  /** Ends the thread now; what it held fails as it would if the thread died. For tests and shutdown. */
  async terminate(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.current?.worker.terminate();
  }

  private send(transport: number, options: SMTPTransportOptions, mail: SendMailOptions): Promise<SentInfo> {
    const { attachments, ...rest } = mail;
    const piped: PipedAttachment[] = [];
    for (const a of attachments ?? []) {
      const content = a.content as Readable | undefined;
      if (!content || typeof content[Symbol.asyncIterator] !== 'function') {
        return Promise.reject(new TypeError('a mail sent through the mail thread takes its attachments as streams'));
      }
      const pipe = this.nextNumber++;
      this.pipes.set(pipe, content[Symbol.asyncIterator]());
      piped.push({ filename: String(a.filename ?? ''), contentType: String(a.contentType ?? 'application/octet-stream'), pipe });
    }
    const threadMail: ThreadMail = { ...rest, ...(piped.length > 0 ? { attachments: piped } : {}) };
    return this.request<SentInfo>(
      piped.map((p) => p.pipe),
      (id, running) => {
        if (!running.opened.has(transport)) {
          running.worker.postMessage({ type: 'open', transport, options } satisfies ToThread);
          running.opened.add(transport);
        }
        running.worker.postMessage({ type: 'send', transport, id, mail: threadMail } satisfies ToThread);
      },
    );
  }

  private async close(transport: number): Promise<void> {
    if (!this.current?.opened.has(transport)) return;
    this.current.opened.delete(transport);
    await this.request<void>([], (id, running) =>
      running.worker.postMessage({ type: 'close', transport, id } satisfies ToThread),
    ).catch(() => undefined); // a thread that died has closed everything it held
  }

  /** Posts a numbered request (what `post` sends) and waits for its answer. */
  private request<T>(pipes: number[], post: (id: number, running: Running) => void): Promise<T> {
    const id = this.nextNumber++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: SentInfo) => void, reject, pipes });
      try {
        clearTimeout(this.idleTimer);
        const running = this.thread();
        running.worker.ref();
        post(id, running);
      } catch (error) {
        this.settle(id)?.reject(error as Error);
      }
    });
  }

  private thread(): Running {
    if (this.current) return this.current;
    const worker = this.start();
    const running: Running = { worker, opened: new Set() };
    worker.on('message', (message: FromThread) => this.onMessage(running, message));
    worker.on('error', (error) => this.stopped(running, `the mail thread failed: ${error.message}`));
    worker.on('exit', (code) => this.stopped(running, `the mail thread stopped (exit code ${code})`));
    this.current = running;
    return running;
  }

  /** Nothing waiting: let the process exit if it wants to, and retire the thread if nothing comes. */
  private idle(running: Running): void {
    running.worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.current !== running || this.waiting.size > 0) return;
      // New requests go to a new thread from now on; this one closes its transports and ends.
      this.current = null;
      running.worker.postMessage({ type: 'retire' } satisfies ToThread);
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private onMessage(running: Running, message: FromThread): void {
    switch (message.type) {
      case 'sent':
        this.settle(message.id)?.resolve({ response: message.response });
        break;
      case 'failed':
        this.settle(message.id)?.reject(new MailThreadError(message.error));
        break;
      case 'closed':
        this.settle(message.id)?.resolve({});
        break;
      case 'pull':
        void this.pull(running, message.pipe);
        break;
    }
    if (this.waiting.size === 0) this.idle(running);
  }

  /** Reads the pipe's next chunk here and hands it over (copied: a chunk may share its buffer). */
  private async pull(running: Running, pipe: number): Promise<void> {
    const source = this.pipes.get(pipe);
    if (!source) return;
    let message: ToThread;
    try {
      const next = await source.next();
      message = next.done ? { type: 'end', pipe } : { type: 'chunk', pipe, chunk: toBytes(next.value) };
    } catch (error) {
      message = { type: 'fail', pipe, message: error instanceof Error ? error.message : String(error) };
    }
    if (message.type !== 'chunk') this.pipes.delete(pipe);
    if (this.current === running) running.worker.postMessage(message);
  }

  private settle(id: number): Waiting | undefined {
    const waiting = this.waiting.get(id);
    if (!waiting) return undefined;
    this.waiting.delete(id);
    for (const pipe of waiting.pipes) this.pipes.delete(pipe);
    return waiting;
  }

  /** The thread is gone: what it held fails (temporarily: the outbox retries); the next request starts a new one. */
  private stopped(running: Running, reason: string): void {
    if (this.current !== running) return;
    this.current = null;
    for (const id of [...this.waiting.keys()]) {
      this.settle(id)?.reject(Object.assign(new Error(reason), { code: 'ETHREAD' }));
    }
  }
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value);
  throw new TypeError('an attachment stream yielded something other than bytes');
}

let shared: MailThread | undefined;

/** The process's mail thread. */
export function sharedMailThread(): MailThread {
  return (shared ??= new MailThread());
}
