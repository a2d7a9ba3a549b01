/**
 * The main thread's side of the mail thread (mail-thread-entry.ts): one worker thread per process
 * that holds the nodemailer transports, so composing and sending mails runs beside the main
 * thread instead of on it. A transport from MailThread.transport() is a MailTransport like
 * nodemailer's own: the mail crosses as plain data, and what comes back is nodemailer's answer or
 * an error carrying the fields classifySmtpError reads, so EmailSender treats both alike.
 *
 * The thread starts with the first transport that sends and is shared by all of them, so its
 * compiled code stays warm through a burst of drains. It keeps the process alive only while it
 * holds a send or a close, and retires after IDLE_MS without one (closing its connections), so an
 * app that sent a warning last week does not carry a thread for it; the next mail starts a new
 * one and opens its transport there again.
 *
 * If the thread dies (it should not; out of memory, say), every mail it held fails with a
 * temporary error, so the outbox retries it (same Message-ID). If it cannot start at all (it
 * fails before saying it is ready: a packaging problem, say), nothing it held was sent: those
 * mails, and all later ones, go out through nodemailer on this thread instead.
 */
import type { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import type { SMTPTransportOptions, SendMailOptions } from 'nodemailer';
import { startWorker } from './start-worker.js';
import { nodemailerTransport, type MailTransport, type SentInfo } from '../email-sender.js';
import {
  ERROR_FIELDS,
  type FromThread,
  type PipedAttachment,
  type SmtpErrorFields,
  type ThreadMail,
  type ToThread,
} from './protocol.js';

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

const startMailThread: StartThread = () =>
  startWorker(new URL('./mail-thread-entry', import.meta.url), import.meta.url);

interface Waiting {
  resolve: (value: SentInfo) => void;
  reject: (error: Error) => void;
  pipes: number[];
  /** The same request on this thread, for when the thread could not start. */
  inProcess: () => Promise<SentInfo>;
}

/** A started thread and what it has been asked to do. */
interface Running {
  worker: Worker;
  /** It said it is ready: from then on, a mail it held may have been sent. */
  ready: boolean;
  /** Transports opened in this thread. */
  opened: Set<number>;
}

const closedError = (): Error => Object.assign(new Error('the mail transport is closed'), { code: 'ECLOSED' });

export class MailThread {
  private current: Running | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private readonly pipes = new Map<number, AsyncIterator<unknown>>();
  private nextNumber = 1;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Why the thread cannot run here, once it failed to start; mails then go out on this thread. */
  private unavailableReason: string | null = null;
  /** nodemailer transports on this thread, by transport number, once the thread is unavailable. */
  private readonly local = new Map<number, MailTransport>();

  constructor(
    private readonly start: StartThread = startMailThread,
    private readonly idleMs: number = IDLE_MS,
  ) {}

  /** Whether a thread is running now (it starts with a send and retires when idle). */
  get running(): boolean {
    return this.current !== null;
  }

  /** Why mails go out on this thread instead (the mail thread failed to start), or null. */
  get unavailable(): string | null {
    return this.unavailableReason;
  }

  /** A transport in this thread, with nodemailer's options (pool settings included). */
  transport(options: SMTPTransportOptions): MailTransport {
    const transport = this.nextNumber++;
    let closed = false;
    return {
      sendMail: (mail) => (closed ? Promise.reject(closedError()) : this.send(transport, options, mail)),
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
    const inProcess = (): Promise<SentInfo> => this.localTransport(transport, options).sendMail(mail);
    if (this.unavailableReason !== null) return inProcess();
    const { attachments, ...rest } = mail;
    const streams = (attachments ?? []).map((a) => a.content as Readable | undefined);
    if (streams.some((content) => !content || typeof content[Symbol.asyncIterator] !== 'function')) {
      return Promise.reject(new TypeError('a mail sent through the mail thread takes its attachments as streams'));
    }
    const piped: PipedAttachment[] = (attachments ?? []).map((a, i) => {
      const pipe = this.nextNumber++;
      this.pipes.set(pipe, streams[i]![Symbol.asyncIterator]());
      return {
        filename: String(a.filename ?? ''),
        contentType: String(a.contentType ?? 'application/octet-stream'),
        pipe,
      };
    });
    const threadMail: ThreadMail = { ...rest, ...(piped.length > 0 ? { attachments: piped } : {}) };
    return this.request(
      piped.map((p) => p.pipe),
      inProcess,
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
    const local = this.local.get(transport);
    this.local.delete(transport);
    await local?.close();
    if (!this.current?.opened.has(transport)) return;
    this.current.opened.delete(transport);
    await this.request(
      [],
      async () => ({}),
      (id, running) => running.worker.postMessage({ type: 'close', transport, id } satisfies ToThread),
    ).catch(() => undefined); // a thread that died has closed everything it held
  }

  private localTransport(transport: number, options: SMTPTransportOptions): MailTransport {
    let local = this.local.get(transport);
    if (!local) {
      local = nodemailerTransport(options);
      this.local.set(transport, local);
    }
    return local;
  }

  /** Posts a numbered request (what `post` sends) and waits for its answer. */
  private request(
    pipes: number[],
    inProcess: () => Promise<SentInfo>,
    post: (id: number, running: Running) => void,
  ): Promise<SentInfo> {
    const id = this.nextNumber++;
    return new Promise<SentInfo>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, pipes, inProcess });
      clearTimeout(this.idleTimer);
      let running: Running;
      try {
        running = this.thread();
      } catch (error) {
        this.unavailableReason = `the mail thread could not start: ${error instanceof Error ? error.message : String(error)}`;
        this.settle(id)!.inProcess().then(resolve, reject);
        return;
      }
      try {
        running.worker.ref();
        post(id, running);
      } catch (error) {
        // The mail could not be handed over (a value that does not cross threads, say).
        this.settle(id)?.reject(error as Error);
        this.afterAnswer(running);
      }
    });
  }

  private thread(): Running {
    if (this.current) return this.current;
    const worker = this.start();
    const running: Running = { worker, ready: false, opened: new Set() };
    worker.on('message', (message: FromThread) => this.onMessage(running, message));
    worker.on('error', (error) => this.stopped(running, `the mail thread failed: ${error.message}`));
    worker.on('exit', (code) => this.stopped(running, `the mail thread stopped (exit code ${code})`));
    this.current = running;
    return running;
  }

  private onMessage(running: Running, message: FromThread): void {
    switch (message.type) {
      case 'ready':
        running.ready = true;
        break;
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
    this.afterAnswer(running);
  }

  /** Nothing waiting: let the process exit if it wants to, and retire the thread if nothing comes. */
  private afterAnswer(running: Running): void {
    if (this.waiting.size > 0 || this.current !== running) return;
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

  /**
   * Reads the pipe's next chunk here and hands it over. The chunk is copied into a buffer of its
   * own, which is then moved (not copied again): posting a view would copy its whole backing
   * buffer — a pooled one holds other data of this thread.
   */
  private async pull(running: Running, pipe: number): Promise<void> {
    const source = this.pipes.get(pipe);
    if (!source) return;
    let message: ToThread;
    try {
      const next = await source.next();
      message = next.done ? { type: 'end', pipe } : { type: 'chunk', pipe, chunk: ownCopy(next.value) };
    } catch (error) {
      message = { type: 'fail', pipe, message: error instanceof Error ? error.message : String(error) };
    }
    if (message.type !== 'chunk') this.pipes.delete(pipe);
    if (this.current !== running) return;
    running.worker.postMessage(message, message.type === 'chunk' ? [message.chunk.buffer as ArrayBuffer] : []);
  }

  private settle(id: number): Waiting | undefined {
    const waiting = this.waiting.get(id);
    if (!waiting) return undefined;
    this.waiting.delete(id);
    for (const pipe of waiting.pipes) this.pipes.delete(pipe);
    return waiting;
  }

  /**
   * The thread is gone. If it had said it was ready, what it held fails (temporarily: the outbox
   * retries); the next request starts a new thread. If it never got that far, it did not send
   * anything: what it held goes out on this thread, as everything will from now on.
   */
  private stopped(running: Running, reason: string): void {
    if (this.current !== running) return;
    this.current = null;
    if (!running.ready) this.unavailableReason = reason;
    for (const id of [...this.waiting.keys()]) {
      const waiting = this.settle(id)!;
      if (running.ready) waiting.reject(Object.assign(new Error(reason), { code: 'ETHREAD' }));
      else waiting.inProcess().then(waiting.resolve, waiting.reject);
    }
  }
}

/** The chunk's bytes in a buffer of their own (exported for tests). */
export function ownCopy(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (typeof value === 'string') return new TextEncoder().encode(value);
  throw new TypeError('an attachment stream yielded something other than bytes');
}

let shared: MailThread | undefined;

/** The process's mail thread. */
export function sharedMailThread(): MailThread {
  return (shared ??= new MailThread());
}
