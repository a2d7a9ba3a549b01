import fc from 'fast-check';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { quotedPrintable } from './mime-encoding.js';
import { composeRawMail, withRawMessage } from './raw-mail.js';

const AT = new Date(Date.UTC(2026, 11, 7, 14, 10, 5));

/** What nodemailer's own composer makes of the same mail (streamTransport: no network). */
async function nodemailerMessage(mail: SendMailOptions): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = (await transport.sendMail({ ...mail, date: AT })) as { message: Buffer };
  return info.message;
}

/** The parts of a parsed mail a reader sees. */
function seen(parsed: ParsedMail): Record<string, unknown> {
  const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
  return {
    from: parsed.from?.value,
    to: to?.value,
    subject: parsed.subject,
    text: parsed.text,
    html: parsed.html,
    messageId: parsed.messageId,
    date: parsed.date?.toISOString(),
    key: parsed.headers.get('x-afterword-idempotency-key'),
    autoSubmitted: parsed.headers.get('auto-submitted'),
  };
}

function mail(overrides: Partial<SendMailOptions> = {}): SendMailOptions {
  return {
    from: 'owner@example.org',
    to: { name: 'Alice Liddell', address: 'alice@example.com' },
    subject: 'For Alice, if I am gone',
    text: 'Dear Alice,\n\nThe documents are in the blue folder.\n',
    html: '<p>Dear Alice,</p><p>The documents are in the blue folder.</p>',
    messageId: '<0123456789abcdef0123456789abcdef@afterword.invalid>',
    headers: { 'X-Afterword-Idempotency-Key': 'delivery:plan:1:message:recipient' },
    disableFileAccess: true,
    disableUrlAccess: true,
    ...overrides,
  };
}

async function expectSameAsNodemailer(options: SendMailOptions): Promise<string> {
  const composed = composeRawMail(options, AT);
  expect(composed).not.toBeNull();
  const ours = await simpleParser(composed!.raw);
  const theirs = await simpleParser(await nodemailerMessage(options));
  expect(seen(ours)).toEqual(seen(theirs));
  for (const line of composed!.raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  expect(composed!.raw).not.toMatch(/[^\r]\n|\r[^\n]/); // CRLF line ends only
  return composed!.raw;
}

describe('the composed message of a plain mail', () => {
  it('reads as what nodemailer composes: sender, recipient, subject, both parts, Message-ID, headers', async () => {
    const raw = await expectSameAsNodemailer(mail());
    expect(raw).toContain('From: owner@example.org\r\n');
    expect(raw).toContain('To: Alice Liddell <alice@example.com>\r\n');
    expect(raw).toContain('Date: Mon, 07 Dec 2026 14:10:05 +0000\r\n');
    expect(composeRawMail(mail(), AT)!.envelope).toEqual({ from: 'owner@example.org', to: ['alice@example.com'] });
  });

  it('encodes Chinese and emoji in the subject, the name and the bodies', async () => {
    const raw = await expectSameAsNodemailer(
      mail({
        to: { name: '王小明', address: 'xiaoming@example.cn' },
        subject: '给小明的信 🌸 '.repeat(8),
        text: '小明：\n\n文件在书房的蓝色文件夹里。\n'.repeat(20),
        html: '<p>房子的钥匙在隔壁陈太太那里。</p>'.repeat(20),
        headers: { 'X-Afterword-Idempotency-Key': 'warning:p:1:2', 'Auto-Submitted': 'auto-generated' },
      }),
    );
    expect([...raw].every((char) => char.charCodeAt(0) < 0x80)).toBe(true); // 7-bit on the wire
  });

  it('quotes a name with specials, keeps a line break out of the headers, and survives dots and long lines', async () => {
    const raw = await expectSameAsNodemailer(
      mail({
        to: { name: 'Doe, "Johnny" \\ Jr.', address: 'john@example.com' },
        subject: 'one\r\nBcc: victim@example.com',
        text: `.\n..leading dots\nspaces at the end   \n\ttab\n${'x'.repeat(300)}\n= sign =41\r\nlast`,
      }),
    );
    expect(raw).not.toMatch(/^Bcc:/m);
  });

  it('holds for any subject, name and text (compared with nodemailer, parsed back by mailparser)', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 400 });
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        text,
        text,
        async (subject, name, body, html) => {
          // No NUL. A lone CR is a line break here; nodemailer writes it raw, which mailparser drops.
          const clean = (s: string): string => s.replace(/\0/g, '').replace(/\r(?!\n)/g, '\n');
          const cleanSubject = clean(subject).replace(/\s+/g, ' ').trim();
          fc.pre(cleanSubject !== '' && clean(body) !== '' && clean(html) !== '');
          await expectSameAsNodemailer(
            mail({
              subject: cleanSubject,
              to: { name: clean(name).replace(/\s+/g, ' ').trim(), address: 'a@example.org' },
              text: clean(body),
              html: clean(html),
            }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves anything else to nodemailer: attachments, cc, a named or international sender, a header it writes', () => {
    expect(composeRawMail(mail({ attachments: [{ filename: 'a.txt', content: 'x' }] }))).toBeNull();
    expect(composeRawMail(mail({ cc: 'b@example.org' }))).toBeNull();
    expect(composeRawMail(mail({ from: 'Afterword <me@example.org>' }))).toBeNull();
    expect(composeRawMail(mail({ to: 'müller@例え.jp' }))).toBeNull();
    expect(composeRawMail(mail({ headers: { Date: 'yesterday' } }))).toBeNull();
    expect(composeRawMail(mail({ headers: { 'X-Evil': 'a\r\nBcc: x@example.org' } }))).toBeNull();
    expect(composeRawMail(mail({ messageId: undefined }))).toBeNull();
    const passedOn = mail({ cc: 'b@example.org' });
    expect(withRawMessage(passedOn)).toBe(passedOn);
    expect(withRawMessage(mail())).toMatchObject({ raw: expect.any(String), envelope: expect.any(Object) });
  });
});

describe('quoted-printable', () => {
  it('escapes = and what is not printable ASCII, keeps lines to 76 characters, ends in CRLF', () => {
    expect(quotedPrintable('a=b\nc ')).toBe('a=3Db\r\nc=20');
    expect(quotedPrintable('é')).toBe('=C3=A9');
    const long = quotedPrintable('x'.repeat(200));
    for (const line of long.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(long.replace(/=\r\n/g, '')).toBe('x'.repeat(200));
    // An escape is never cut by a soft break.
    const escapes = quotedPrintable('é'.repeat(60));
    for (const line of escapes.split('\r\n')) expect(line).toMatch(/^(=[0-9A-F]{2})*=?$/);
  });
});
