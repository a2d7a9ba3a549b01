// Everyone's mailbox: the loopback SMTP server of the core's tests (plain SMTP on 127.0.0.1, any
// free port), with the mails it accepted parsed for assertions.
import type { ParsedMail } from 'mailparser';
import { parseMail, startSmtpServer, type TestSmtpServer } from '../../electron/core/test-support/smtp-server.js';

export interface Mail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  parsed: ParsedMail;
  /** X-Afterword-Idempotency-Key, e.g. `warning:<plan>:<cycle>:<level>:email` or `delivery:…`. */
  idempotencyKey: string;
}

export class Mailbox {
  private constructor(private readonly server: TestSmtpServer) {}

  static async start(): Promise<Mailbox> {
    return new Mailbox(await startSmtpServer());
  }

  get port(): number {
    return this.server.port;
  }

  /** How many mails were accepted so far (a mark for `since`). */
  get count(): number {
    return this.server.received.length;
  }

  /** Every mail accepted since `mark` (default: all), parsed, optionally only those to `address`. */
  async mails(options: { to?: string; since?: number } = {}): Promise<Mail[]> {
    const raw = this.server.received.slice(options.since ?? 0);
    const wanted = options.to?.toLowerCase();
    const mails = await Promise.all(
      raw
        .filter((m) => wanted === undefined || m.to.some((to) => to.toLowerCase() === wanted))
        .map(async (m) => {
          const parsed = await parseMail(m);
          const key = parsed.headers.get('x-afterword-idempotency-key');
          return { to: m.to.map((a) => a.toLowerCase()), parsed, idempotencyKey: typeof key === 'string' ? key : '' };
        }),
    );
    return mails;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
