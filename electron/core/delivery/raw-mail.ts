/**
 * The MIME message of a plain mail (text and HTML, no attachment), written in one pass and handed
 * to nodemailer's SMTP transport as `raw` with its envelope. nodemailer's own composer builds the
 * same message through a chain of streams, which cost about as much CPU per mail as the SMTP
 * conversation itself. Anything else (an attachment, a named or international sender address, a
 * field this composer does not write) goes through nodemailer's composer as before.
 */
import { randomBytes } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import {
  isPlainAddress,
  isPlainHeaderText,
  mailbox,
  mailDate,
  quotedPrintable,
  unstructuredHeader,
} from './mime-encoding.js';

export interface RawMail {
  envelope: { from: string; to: string[] };
  raw: string;
}

/** The only fields a plain mail has; any other (cc, replyTo, attachments, …) needs nodemailer's composer. */
const PLAIN_FIELDS = new Set([
  'from',
  'to',
  'subject',
  'text',
  'html',
  'messageId',
  'headers',
  'disableFileAccess',
  'disableUrlAccess',
]);
/** Headers this composer writes itself: an extra header of the same name would be a second one. */
const OWN_HEADERS = new Set(['from', 'to', 'subject', 'message-id', 'date', 'mime-version', 'content-type']);

function recipientOf(to: SendMailOptions['to']): { address: string; name?: string } | null {
  if (typeof to === 'string') return isPlainAddress(to) ? { address: to } : null;
  if (to && !Array.isArray(to) && typeof to === 'object' && typeof to.address === 'string') {
    return isPlainAddress(to.address) ? { address: to.address, name: to.name } : null;
  }
  return null;
}

function extraHeaders(headers: SendMailOptions['headers']): string[] | null {
  if (headers === undefined) return [];
  if (typeof headers !== 'object' || Array.isArray(headers)) return null;
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[A-Za-z0-9-]+$/.test(name) || OWN_HEADERS.has(name.toLowerCase())) return null;
    if (typeof value !== 'string' || !isPlainHeaderText(value)) return null;
    out.push(`${name}: ${value}`);
  }
  return out;
}

function part(contentType: string, body: string): string {
  return (
    `Content-Type: ${contentType}; charset=utf-8\r\n` +
    'Content-Transfer-Encoding: quoted-printable\r\n\r\n' +
    quotedPrintable(body)
  );
}

/**
 * The mail as one MIME message, or null when it is not a plain mail (see above). `boundary` is
 * random unless given (tests); quoted-printable never contains `=_`, so neither part can hold it.
 */
export function composeRawMail(
  mail: SendMailOptions,
  at: Date = new Date(),
  boundary = `=_afterword_${randomBytes(12).toString('hex')}`,
): RawMail | null {
  if (Object.entries(mail).some(([key, value]) => value !== undefined && !PLAIN_FIELDS.has(key))) return null;
  const { from, subject, text, html, messageId } = mail;
  const to = recipientOf(mail.to);
  const extra = extraHeaders(mail.headers);
  if (typeof from !== 'string' || !isPlainAddress(from) || to === null || extra === null) return null;
  // An empty part is left out by nodemailer: such a mail is its to compose.
  if (typeof subject !== 'string' || typeof text !== 'string' || text === '') return null;
  if (html !== undefined && (typeof html !== 'string' || html === '')) return null;
  if (typeof messageId !== 'string' || !/^<[\x21-\x3b\x3d\x3f-\x7e]+>$/.test(messageId)) return null;

  const head = [
    `From: ${from}`,
    `To: ${mailbox(to.address, to.name)}`,
    unstructuredHeader('Subject', subject),
    `Message-ID: ${messageId}`,
    ...extra,
    `Date: ${mailDate(at)}`,
    'MIME-Version: 1.0',
  ];
  const body =
    html === undefined
      ? part('text/plain', text)
      : `Content-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n` +
        `--${boundary}\r\n${part('text/plain', text)}\r\n` +
        `--${boundary}\r\n${part('text/html', html)}\r\n` +
        `--${boundary}--`;
  return { envelope: { from, to: [to.address] }, raw: `${head.join('\r\n')}\r\n${body}\r\n` };
}

/** What to hand nodemailer's transport: the raw message of a plain mail, else the mail as it is. */
export function withRawMessage(mail: SendMailOptions): SendMailOptions {
  const composed = composeRawMail(mail);
  if (composed === null) return mail;
  // Nothing in a raw message makes nodemailer read a file or a URL; the flags stay all the same.
  return { ...composed, disableFileAccess: true, disableUrlAccess: true };
}
