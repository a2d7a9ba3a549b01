// Test helper: a loopback SMTP server (smtp-server) that records every accepted mail. Only for
// *.test.ts files; nothing in the app imports it.
//
// Recipients whose local part asks for a failure get it: rcpt451@… (greylisted at RCPT TO),
// rcpt550@… (no such user), data451@… / data550@… (refused after DATA).
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  raw: Buffer;
  from: string;
  to: string[];
  /** Message-ID header as sent (angle brackets included); '' when absent. */
  messageId: string;
  at: number;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Every RCPT TO the server answered, accepted or not. */
  rcptAttempts: string[];
  close(): Promise<void>;
}

const smtpError = (message: string, responseCode: number): Error => Object.assign(new Error(message), { responseCode });

function headerValue(raw: Buffer, name: string): string {
  const head = raw
    .subarray(0, Math.max(0, raw.indexOf('\r\n\r\n')))
    .toString('utf8')
    .replace(/\r\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return match?.[1]?.trim() ?? '';
}

/** Starts on 127.0.0.1 (a random port unless `port` is given: restart on the same port after an outage). */
export async function startSmtpServer(options: { port?: number } & SMTPServerOptions = {}): Promise<TestSmtpServer> {
  const { port: wanted = 0, ...serverOptions } = options;
  const received: ReceivedMail[] = [];
  const rcptAttempts: string[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      rcptAttempts.push(address.address);
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
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        received.push({ raw, from, to, messageId: headerValue(raw, 'Message-ID'), at: Date.now() });
        callback();
      });
    },
    ...serverOptions,
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(wanted, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    rcptAttempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const parseMail = (mail: ReceivedMail): Promise<ParsedMail> => simpleParser(mail.raw);

/** How many mails carried each Message-ID. */
export function countByMessageId(mails: readonly ReceivedMail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of mails) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  return counts;
}
