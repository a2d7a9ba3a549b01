/**
 * The delivery section's figures (section 6 of the full run, or `afterword bench --only mail`):
 * the outbox against nodemailer's pooled transport, in wall time and in CPU per mail.
 */
import type { BenchSizes } from './bench-setup.js';
import type { MailResult, MailSizes } from './mail-bench.js';
import { figure, formatNumber, type Figure } from './report.js';

export type MailFigureId =
  | 'mail.ours'
  | 'mail.nodemailer'
  | 'mail.ratio'
  | 'mail.nodemailerRendered'
  | 'mail.ratioRendered'
  | 'mail.cpuOurs'
  | 'mail.cpuNodemailerRendered'
  | 'mail.cpuRatio';

/** What the section runs with the bench's sizes. */
export function mailBenchSizes(sizes: BenchSizes): MailSizes {
  return {
    mails: sizes.mails,
    bodyBytes: sizes.bodyBytes,
    connections: sizes.mailConnections,
    rounds: sizes.mailRounds,
    // One untimed round per side: the mail thread's code and heap settle only after several
    // hundred mails (with 200, ours measured ~40 % slower in the first timed round than after).
    warmup: sizes.mails,
    recipients: 10,
  };
}

export function mailProgressLine(sizes: BenchSizes): string {
  return (
    `outbox delivery of ${sizes.mails} e-mails vs nodemailer's pool, ${sizes.mailConnections} connections, ` +
    `loopback smtp-server (${sizes.mailRounds} round${sizes.mailRounds === 1 ? '' : 's'} each)`
  );
}

export function mailFigures(sizes: BenchSizes, mail: MailResult): Record<MailFigureId, Figure> {
  const perSecond = (count: number, ms: number): number => count / (ms / 1000);
  const m = `6. Deliver ${formatNumber(sizes.mails)} e-mails, loopback SMTP, ${sizes.mailConnections} connections (median of ${sizes.mailRounds})`;
  return {
    'mail.ours': figure(
      m,
      'outbox → OutboxWorker.drain, pooled EmailSender in the mail thread',
      perSecond(sizes.mails, mail.oursMs),
      'mail/s',
    ),
    'mail.nodemailer': figure(
      m,
      `nodemailer pooled transport alone, ${sizes.bodyBytes} B text`,
      perSecond(sizes.mails, mail.nodemailerMs),
      'mail/s',
    ),
    // Context only: nodemailer here sends a smaller, text-only mail.
    'mail.ratio': figure(m, 'ours / nodemailer (text-only mail)', mail.nodemailerMs / mail.oursMs, '×'),
    'mail.nodemailerRendered': figure(
      m,
      'nodemailer alone, our rendered mail (text + HTML)',
      perSecond(sizes.mails, mail.nodemailerRenderedMs),
      'mail/s',
    ),
    // The goal: the same mails through nodemailer's own pooled transport.
    'mail.ratioRendered': figure(
      m,
      'ours / nodemailer with the same mail',
      mail.nodemailerRenderedMs / mail.oursMs,
      '×',
      {
        op: '>=',
        value: 1,
      },
    ),
    'mail.cpuOurs': figure(m, 'CPU per mail, ours (all threads, relay included)', mail.cpuUsPerMail.ours, 'µs'),
    'mail.cpuNodemailerRendered': figure(
      m,
      'CPU per mail, nodemailer with the same mail',
      mail.cpuUsPerMail.nodemailerRendered,
      'µs',
    ),
    // What the durable outbox costs in CPU over the bare transport (process CPU, every thread).
    'mail.cpuRatio': figure(
      m,
      'CPU per mail, ours / nodemailer with the same mail',
      mail.cpuUsPerMail.ours / mail.cpuUsPerMail.nodemailerRendered,
      '×',
      { op: '<=', value: 1.2 },
    ),
  };
}
