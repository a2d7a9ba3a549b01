/**
 * Sends outgoing items by e-mail through an SMTP relay (nodemailer's SMTP or pooled SMTP
 * transport). Every channel failure comes back as a SendResult (see classify-smtp-error.ts); the
 * promise rejects only when the content itself could not be read (an attachment stream failed:
 * vault locked, blob tampered with, ...), which the outbox worker knows better how to treat.
 *
 * Idempotency: the Message-ID is derived from the item's idempotencyKey, so a retry after a crash
 * (or after a timeout on a mail the server had in fact accepted) carries the same Message-ID and
 * receiving systems can drop the duplicate.
 */
import type * as Net from 'node:net';
import type * as Tls from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type * as Nodemailer from 'nodemailer';
import type { SMTPTransportOptions, SendMailOptions } from 'nodemailer';
import { classifySmtpError } from './classify-smtp-error.js';
import type { ChannelSender, DeliveryContent, OutgoingContent, OutgoingItem, SendResult } from './delivery-types.js';
import { EN, type DeliveryStrings } from './delivery-strings.js';
import { renderEmail } from './email-render.js';
import { idempotencyDigest } from './idempotency-digest.js';
import { withRawMessage } from './raw-mail.js';

export { classifySmtpError, SMTP_ERROR_CODES, type SmtpErrorCode } from './classify-smtp-error.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** implicit: TLS from the first byte (usually 465); starttls: upgrade required (587); none: plaintext. */
  tls: 'implicit' | 'starttls' | 'none';
  user: string | null;
  password: string | null;
  /** The From header, e.g. `Afterword <me@example.org>`. */
  from: string;
  /** Extra CA certificates (PEM) trusted besides the system roots: tests and self-hosted relays. */
  ca?: string[];
}

export interface EmailSenderOptions {
  /** Keep connections open and reuse them (nodemailer's SMTP pool). */
  pool?: boolean;
  /** Simultaneous connections in the pool (nodemailer's default: 5). */
  maxConnections?: number;
  /** The right-hand side of generated Message-IDs; `afterword.invalid` when not set. */
  hostnameForMessageId?: string;
  /** User-visible strings (translations); English by default. */
  strings?: DeliveryStrings;
  /**
   * Makes the transport from nodemailer's options (pool settings included): nodemailer's own by
   * default; the outbox passes one in the mail thread (mail-thread/mail-thread.ts).
   */
  transportFor?: (options: SMTPTransportOptions) => MailTransport;
}

export const CONNECTION_TIMEOUT_MS = 30_000;
export const GREETING_TIMEOUT_MS = 30_000;
/** Inactivity limit once connected; longer, as a relay may scan a large message before its reply. */
export const SOCKET_TIMEOUT_MS = 60_000;
export const DEFAULT_MESSAGE_ID_HOST = 'afterword.invalid';

export interface SentInfo {
  response?: string;
}

/** What we use of a nodemailer transporter, pooled or not, in this thread or another. */
export interface MailTransport {
  sendMail(mail: SendMailOptions): Promise<SentInfo>;
  close(): void | Promise<void>;
}

// Read on the first transport, not at start-up: every CLI command loads this module, few send mail.
// Node's TLS and socket code too (a few dozen ms of a short command's start).
const requireModule = createRequire(import.meta.url);

/** nodemailer's transport, in this thread; a plain mail goes to it composed (raw-mail.ts). */
export function nodemailerTransport(options: SMTPTransportOptions): MailTransport {
  const transport = (requireModule('nodemailer') as typeof Nodemailer).createTransport(options);
  return {
    sendMail: (mail) => transport.sendMail(withRawMessage(mail)),
    close: () => transport.close(),
  };
}

/** `<first 32 hex of sha256(idempotencyKey)@host>`: the same for every attempt of one item. */
export function stableMessageId(idempotencyKey: string, hostname: string = DEFAULT_MESSAGE_ID_HOST): string {
  return `<${idempotencyDigest(idempotencyKey)}@${hostname}>`;
}

/** nodemailer transport options for the settings (exported for tests and diagnostics). */
export function smtpTransportOptions(settings: SmtpSettings): SMTPTransportOptions {
  const { isIP } = requireModule('node:net') as typeof Net;
  const { rootCertificates } = requireModule('node:tls') as typeof Tls;
  const tlsOptions: ConnectionOptions = {};
  if (isIP(settings.host) === 0) tlsOptions.servername = settings.host;
  // `ca` replaces Node's trust store for the connection: keep the public roots alongside.
  if (settings.ca && settings.ca.length > 0) tlsOptions.ca = [...rootCertificates, ...settings.ca];

  const options: SMTPTransportOptions = {
    host: settings.host,
    port: settings.port,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    tls: tlsOptions,
    logger: false,
    debug: false,
  };
  switch (settings.tls) {
    case 'implicit':
      options.secure = true;
      break;
    case 'starttls':
      options.secure = false;
      options.requireTLS = true;
      break;
    case 'none':
      options.secure = false;
      options.ignoreTLS = true;
      break;
  }
  if (settings.user) options.auth = { user: settings.user, pass: settings.password ?? '' };
  return options;
}

export class EmailSender implements ChannelSender {
  private readonly transport: MailTransport;
  private readonly messageIdHost: string;
  private readonly strings: DeliveryStrings;

  constructor(
    private readonly settings: SmtpSettings,
    options: EmailSenderOptions = {},
  ) {
    const host = options.hostnameForMessageId ?? DEFAULT_MESSAGE_ID_HOST;
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) {
      throw new TypeError(`hostnameForMessageId must be a host name, got "${host}"`);
    }
    this.messageIdHost = host;
    this.strings = options.strings ?? EN;
    const base = smtpTransportOptions(settings);
    const transportFor = options.transportFor ?? nodemailerTransport;
    this.transport = transportFor(
      options.pool
        ? {
            ...base,
            pool: true,
            ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
          }
        : base,
    );
  }

  async send(item: OutgoingItem): Promise<SendResult> {
    const target = item.target;
    if (target.type !== 'email') {
      return {
        ok: false,
        permanent: true,
        errorCode: 'CHANNEL_MISMATCH',
        response: `EmailSender cannot send to a ${target.type} target`,
      };
    }

    // Remember the first failure of an attachment stream: it is not the relay's fault.
    let contentFailure: { error: unknown } | null = null;
    const content = captureContentErrors(item.content, (error) => {
      contentFailure ??= { error };
    });
    const mail = renderEmail(content, this.strings);
    const streams: Readable[] = (mail.attachments ?? []).map((a) => a.content);

    try {
      const info = await this.transport.sendMail({
        from: this.settings.from,
        to: target.toName ? { name: target.toName, address: target.to } : target.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        ...(mail.attachments ? { attachments: mail.attachments } : {}),
        messageId: stableMessageId(item.idempotencyKey, this.messageIdHost),
        headers: {
          'X-Afterword-Idempotency-Key': item.idempotencyKey,
          // RFC 3834: tells vacation responders not to answer our warnings, notices and tests.
          ...(item.content.kind === 'delivery' ? {} : { 'Auto-Submitted': 'auto-generated' }),
        },
        // Nothing in a message may make nodemailer read local files or fetch URLs.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return { ok: true, response: typeof info.response === 'string' ? info.response : '' };
    } catch (err) {
      const failure = contentFailure as { error: unknown } | null;
      if (failure) throw failure.error;
      return classifySmtpError(err);
    } finally {
      // Releases whatever an unfinished attachment stream still holds open.
      for (const stream of streams) stream.destroy();
    }
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

function captureContentErrors(content: OutgoingContent, onError: (error: unknown) => void): OutgoingContent {
  if (content.kind !== 'delivery') return content;
  const wrapped: DeliveryContent = {
    ...content,
    attachments: content.attachments.map((a) => ({
      name: a.name,
      mediaType: a.mediaType,
      size: a.size,
      open: () => reportErrors(a.open(), onError),
    })),
  };
  return wrapped;
}

async function* reportErrors(
  source: AsyncIterable<Uint8Array>,
  onError: (error: unknown) => void,
): AsyncGenerator<Uint8Array> {
  try {
    yield* source;
  } catch (err) {
    onError(err);
    throw err;
  }
}
