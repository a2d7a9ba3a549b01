// Test helper: a real SMTP server (smtp-server) on 127.0.0.1 that accepts every mail without
// authentication or TLS and keeps what it received, parsed, in memory. Only for *.test.ts files.
//
// A mail counts as received when the server answers 250 to its DATA, as a real relay would: a
// client killed after the data went out but before it read the 250 leaves the mail delivered.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  /** Order of arrival, from 0. */
  seq: number;
  /** Envelope sender (MAIL FROM). */
  mailFrom: string;
  /** Envelope recipients (RCPT TO), lower-cased. */
  rcptTo: string[];
  messageId: string | null;
  subject: string;
  text: string;
  /** The X-Afterword-Idempotency-Key header, e.g. `warning:<plan>:<cycle>:<level>:email`. */
  idempotencyKey: string | null;
  headers: Map<string, unknown>;
  /** The value of `label` when the DATA began (which child process sent it, for crash tests). */
  label: string | null;
  at: number;
}

export interface SmtpSinkOptions {
  /** Delay before answering each DATA, in ms: a number, or [min, max] for a random delay. */
  dataDelayMs?: number | readonly [number, number];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /** Free-form tag stamped on every mail whose DATA starts while it is set. */
  label: string | null = null;
  private server: SMTPServer | null = null;
  private rcptListeners: ((address: string, label: string | null) => void)[] = [];
  port = 0;

  constructor(private readonly options: SmtpSinkOptions = {}) {}

  async start(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // The default 'localhost' lookups of the client's name would only slow the test down.
      disableReverseLookup: true,
      onRcptTo: (address, _session, callback) => {
        for (const listener of this.rcptListeners) listener(address.address.toLowerCase(), this.label);
        callback();
      },
      onData: (stream, session, callback) => {
        const label = this.label;
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          void this.accept(Buffer.concat(chunks), session, label).then(
            () => callback(),
            (error: Error) => callback(error),
          );
        });
      },
    });
    // A client killed mid-session resets its connection; that is expected here.
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  private async accept(raw: Buffer, session: SMTPServerSession, label: string | null): Promise<void> {
    const delay = this.options.dataDelayMs;
    if (typeof delay === 'number') await sleep(delay);
    else if (delay) await sleep(delay[0] + Math.random() * (delay[1] - delay[0]));
    const parsed = await simpleParser(raw);
    const mailFrom = session.envelope.mailFrom;
    const key = parsed.headers.get('x-afterword-idempotency-key');
    this.mails.push({
      seq: this.mails.length,
      mailFrom: mailFrom ? mailFrom.address : '',
      rcptTo: session.envelope.rcptTo.map((a) => a.address.toLowerCase()),
      messageId: parsed.messageId ?? null,
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      idempotencyKey: typeof key === 'string' ? key : null,
      headers: parsed.headers,
      label,
      at: Date.now(),
    });
  }

  /** Calls `listener` on every RCPT TO the server sees; returns a function that removes it. */
  onRcpt(listener: (address: string, label: string | null) => void): () => void {
    this.rcptListeners.push(listener);
    return () => {
      this.rcptListeners = this.rcptListeners.filter((l) => l !== listener);
    };
  }

  /** Mails received since `mark` (a previous `mails.length`). */
  since(mark: number): ReceivedMail[] {
    return this.mails.slice(mark);
  }

  /** Waits until `predicate` holds for the received mails (mail may arrive just after a command exits). */
  async waitFor(predicate: (mails: readonly ReceivedMail[]) => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.mails)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for mail; received ${this.mails.length}`);
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
