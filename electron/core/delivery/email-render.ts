/**
 * Renders outgoing content to the parts of an e-mail. Pure apart from wrapping attachment streams
 * (which open nothing until nodemailer reads them). Strings come from `delivery-strings.ts`.
 *
 * Escaping rule: every value that reaches an HTML part is escaped, including our own templates,
 * with one exception: a delivery's `bodyHtml`, which is the sanitized rich text the editor stored
 * and is embedded as is.
 */
import { Readable } from 'node:stream';
import type {
  DeliveryContent,
  NoticeContent,
  OutgoingAttachment,
  OutgoingContent,
  TestContent,
  WarningContent,
} from './delivery-types.js';
import { EN, type DeliveryStrings } from './delivery-strings.js';
import { escapeHtml, textToHtml } from './html-escape.js';
import { cleanSubject, composeLetter } from '../../../shared/delivery-letter.js';

/** The shape nodemailer takes in `attachments` (a subset of its MailComposerAttachment). */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Readable;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  attachments?: EmailAttachment[];
}

export function renderEmail(content: OutgoingContent, strings: DeliveryStrings = EN): RenderedEmail {
  switch (content.kind) {
    case 'warning':
      return renderWarning(content, strings);
    case 'delivery':
      return renderDelivery(content, strings);
    case 'notice':
      return renderNotice(content, strings);
    case 'test':
      return renderTest(content, strings);
  }
}

/** `2025-03-04T12:00:00Z`: ISO 8601 without the milliseconds nobody needs in a mail. */
export function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export { cleanSubject };

function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url);
}

export function renderWarning(c: WarningContent, s: DeliveryStrings = EN): RenderedEmail {
  const when = isoDate(c.nextActionAt);
  const relative = s.relative(c.nextActionAt - c.issuedAt);
  const subject = c.final
    ? s.finalWarningSubject(s.shortDate(c.nextActionAt))
    : s.warningSubject(c.level, c.levelCount);
  const next = c.final
    ? s.finalWarningNext(c.messageCount, when, relative)
    : s.warningNext(c.level + 1, c.levelCount, when, relative);
  const link = c.checkinUrl !== null && isWebUrl(c.checkinUrl) ? c.checkinUrl : null;

  const text = [
    s.warningHeading,
    '',
    s.warningLevel(c.level, c.levelCount, c.planName),
    '',
    next,
    ...(c.final ? [s.finalWarningEmphasis] : []),
    '',
    s.checkinHeading,
    `  - ${s.checkinApp}`,
    `  - ${s.checkinCli} ${s.checkinCliCommand}`,
    ...(link ? [`  - ${s.checkinLink} ${link}`, `    ${s.checkinLinkNote}`] : []),
    '',
    s.checkinStopsEverything,
    '',
    s.warningSummary(c.messageCount),
    '',
  ].join('\n');

  const e = escapeHtml;
  const items = [
    `<li>${e(s.checkinApp)}</li>`,
    `<li>${e(s.checkinCli)} <code>${e(s.checkinCliCommand)}</code></li>`,
    ...(link
      ? [
          `<li>${e(s.checkinLink)} <a href="${e(link)}">${e(s.checkinLinkButton)}</a><br>` +
            `<small>${e(s.checkinLinkNote)}</small></li>`,
        ]
      : []),
  ];
  const body = [
    `<h1>${e(s.warningHeading)}</h1>`,
    `<p>${e(s.warningLevel(c.level, c.levelCount, c.planName))}</p>`,
    c.final ? `<p><strong>${e(next)}</strong> ${e(s.finalWarningEmphasis)}</p>` : `<p>${e(next)}</p>`,
    `<p>${e(s.checkinHeading)}</p>`,
    `<ul>${items.join('')}</ul>`,
    `<p>${e(s.checkinStopsEverything)}</p>`,
    `<p><small>${e(s.warningSummary(c.messageCount))}</small></p>`,
  ].join('\n');

  return { subject: cleanSubject(subject), text, html: htmlDocument(subject, body) };
}

export function renderDelivery(c: DeliveryContent, s: DeliveryStrings = EN): RenderedEmail {
  const { subject, footer, text } = composeLetter(
    { title: c.title, body: c.bodyText, bodyHtml: c.bodyHtml, senderName: c.senderName },
    { fallbackSubject: s.deliveryFallbackSubject, footer: s.deliveryFooter },
  );
  const bodyHtml = c.bodyHtml ?? `<p>${textToHtml(c.bodyText)}</p>`;
  const html = htmlDocument(
    subject,
    `${bodyHtml}\n<hr>\n<p style="color:#666;font-size:small">${escapeHtml(footer)}</p>`,
  );
  const rendered: RenderedEmail = { subject, text, html };
  if (c.attachments.length > 0) rendered.attachments = c.attachments.map(toEmailAttachment);
  return rendered;
}

export function renderNotice(c: NoticeContent, s: DeliveryStrings = EN): RenderedEmail {
  const subject = cleanSubject(s.noticeSubject(c.subject));
  return { subject, text: `${c.text}\n`, html: htmlDocument(subject, `<p>${textToHtml(c.text)}</p>`) };
}

export function renderTest(c: TestContent, s: DeliveryStrings = EN): RenderedEmail {
  const subject = cleanSubject(s.testSubject);
  const text = c.text ? `${c.text}\n\n${s.testExplanation}\n` : `${s.testExplanation}\n`;
  const body = (c.text ? `<p>${textToHtml(c.text)}</p>\n` : '') + `<p>${escapeHtml(s.testExplanation)}</p>`;
  return { subject, text, html: htmlDocument(subject, body) };
}

/**
 * A byte stream over the attachment's verified plaintext. `open()` is only called once nodemailer
 * starts reading, and destroying the stream returns the iterator (closing whatever it holds).
 */
export function attachmentStream(attachment: OutgoingAttachment): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    for await (const chunk of attachment.open()) {
      // A copy: chunks wait in the stream's buffer, and the producer may reuse its own.
      yield Buffer.from(chunk);
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}

function toEmailAttachment(a: OutgoingAttachment): EmailAttachment {
  return { filename: a.name, contentType: a.mediaType || 'application/octet-stream', content: attachmentStream(a) };
}

function htmlDocument(title: string, body: string): string {
  return (
    '<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${escapeHtml(title)}</title>\n</head>\n` +
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;line-height:1.5">\n' +
    `${body}\n</body>\n</html>\n`
  );
}
