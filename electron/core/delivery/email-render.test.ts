import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DeliveryContent, WarningContent } from './delivery-types.js';
import { EN } from './delivery-strings.js';
import { cleanSubject, renderDelivery, renderEmail, renderNotice, renderTest, renderWarning } from './email-render.js';
import { escapeHtml } from './html-escape.js';

const DAY = 86_400_000;
const ISSUED = Date.UTC(2025, 2, 1, 12, 0, 0);

const warning = (over: Partial<WarningContent> = {}): WarningContent => ({
  kind: 'warning',
  planId: 'pln_3kq9x0c7m1f2a8zt',
  planName: 'Family',
  level: 2,
  levelCount: 5,
  nextActionAt: ISSUED + 3 * DAY,
  final: false,
  messageCount: 3,
  checkinUrl: 'https://afterword.example/checkin/tok_abc',
  issuedAt: ISSUED,
  ...over,
});

const EVIL = '<script>alert(1)</script> & "x"';

const delivery = (over: Partial<DeliveryContent> = {}): DeliveryContent => ({
  kind: 'delivery',
  messageId: 'msg_3kq9x0c7m1f2a8zt',
  title: EVIL,
  bodyText: 'Line one <b>\nLine two & more',
  bodyHtml: null,
  senderName: 'Jo <jo@example.org>',
  attachments: [],
  ...over,
});

describe('renderWarning', () => {
  it('says which level, what happens next and when, and how to check in', () => {
    const r = renderWarning(warning());
    expect(r.subject).toBe('Afterword: are you there? (warning 2 of 5)');
    for (const part of [r.text, r.html]) {
      expect(part).toContain('warning 2 of 5');
      expect(part).toContain('warning 3 of 5');
      expect(part).toContain('2025-03-04T12:00:00Z');
      expect(part).toContain('in 3 days');
      expect(part).toContain('afterword checkin');
      expect(part).toContain('only pressing the button does');
      expect(part).toContain('Checking in stops everything');
      expect(part).toContain('3 messages');
    }
    expect(r.text).toContain('https://afterword.example/checkin/tok_abc');
    expect(r.html).toContain('href="https://afterword.example/checkin/tok_abc"');
    expect(r.html).toContain('I&#39;m here');
  });

  it('words the final warning as the last chance before delivery', () => {
    const r = renderWarning(warning({ level: 5, final: true, nextActionAt: ISSUED + 36 * 3_600_000 }));
    expect(r.subject).toBe('Afterword: FINAL warning — your messages go out on 2025-03-03 00:00 UTC');
    expect(r.text).toContain('This is the FINAL warning');
    expect(r.text).toContain(
      'your 3 messages will be delivered to their recipients on 2025-03-03T00:00:00Z (in 36 hours)',
    );
    expect(r.text).not.toContain('warning 6 of 5');
    expect(r.html).toContain('<strong>This is the FINAL warning');
  });

  it('leaves the link out when there is none (or it is not a web link)', () => {
    for (const checkinUrl of [null, 'javascript:alert(1)']) {
      const r = renderWarning(warning({ checkinUrl }));
      expect(r.text).not.toContain('Open this link');
      expect(r.html).not.toContain('<a ');
      expect(r.text).toContain('afterword checkin');
    }
  });

  it('escapes the plan name in HTML', () => {
    const r = renderWarning(warning({ planName: EVIL }));
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain(escapeHtml(EVIL));
    expect(r.text).toContain(EVIL);
  });

  it('never contains message titles or bodies, whatever the input', () => {
    // A warning carries no message content by construction; this guards the renderer against a
    // caller that hands it an object with extra fields (a spread delivery, a future refactor).
    fc.assert(
      fc.property(
        fc.string({ minLength: 8 }).filter((s) => s.trim().length >= 8),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        (secret, level, final) => {
          const leaky = {
            ...warning({ level, final }),
            title: `TITLE-${secret}`,
            bodyText: `BODY-${secret}`,
            bodyHtml: `<p>HTML-${secret}</p>`,
          } as WarningContent;
          const r = renderEmail(leaky);
          const all = `${r.subject}\n${r.text}\n${r.html}`;
          expect(all).not.toContain(`TITLE-${secret}`);
          expect(all).not.toContain(`BODY-${secret}`);
          expect(all).not.toContain('HTML-');
          expect(r.attachments).toBeUndefined();
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('renderDelivery', () => {
  it('uses the title as subject and escapes it in the HTML part', () => {
    const r = renderDelivery(delivery());
    expect(r.subject).toBe(EVIL);
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</title>');
  });

  it('turns the text into escaped HTML with line breaks when there is no HTML body', () => {
    const r = renderDelivery(delivery());
    expect(r.text.startsWith('Line one <b>\nLine two & more')).toBe(true);
    expect(r.html).toContain('Line one &lt;b&gt;<br>\nLine two &amp; more');
  });

  it('embeds the stored (sanitized) HTML body as is', () => {
    const r = renderDelivery(delivery({ bodyHtml: '<p>Hello <em>you</em></p>' }));
    expect(r.html).toContain('<p>Hello <em>you</em></p>');
  });

  it('adds a footer naming the sender (escaped), or "its author"', () => {
    const r = renderDelivery(delivery());
    expect(r.text).toContain(
      'sent by Afterword on behalf of Jo <jo@example.org>, after they stopped answering check-ins',
    );
    expect(r.html).toContain('on behalf of Jo &lt;jo@example.org&gt;');
    expect(renderDelivery(delivery({ senderName: null })).text).toContain('on behalf of its author');
  });

  it('keeps the subject on one line and never empty', () => {
    expect(renderDelivery(delivery({ title: 'a\r\nBcc: x@y.z' })).subject).toBe('a Bcc: x@y.z');
    expect(renderDelivery(delivery({ title: '  ' })).subject).toBe('A message from Jo <jo@example.org>');
    expect(cleanSubject('x\u0000y')).toBe('x y');
  });

  it('streams attachments lazily: open() is not called while rendering', async () => {
    let opened = 0;
    const r = renderDelivery(
      delivery({
        attachments: [
          {
            name: 'a.txt',
            mediaType: 'text/plain',
            size: 6,
            async *open() {
              opened++;
              yield new TextEncoder().encode('abc');
              yield new TextEncoder().encode('def');
            },
          },
        ],
      }),
    );
    expect(opened).toBe(0);
    const a = r.attachments![0]!;
    expect(a.filename).toBe('a.txt');
    expect(a.contentType).toBe('text/plain');
    const chunks: Buffer[] = [];
    for await (const chunk of a.content) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('abcdef');
    expect(opened).toBe(1);
  });
});

describe('notice and test', () => {
  it('renders a notice with escaped HTML', () => {
    const r = renderNotice({ kind: 'notice', subject: 'Delivery <failing>', text: 'SMTP said no & gave up\nTwice' });
    expect(r.subject).toBe('Afterword: Delivery <failing>');
    expect(r.text).toContain('SMTP said no & gave up');
    expect(r.html).toContain('SMTP said no &amp; gave up<br>\nTwice');
    expect(r.html).toContain('<title>Afterword: Delivery &lt;failing&gt;</title>');
  });

  it('renders a test', () => {
    const r = renderTest({ kind: 'test', text: 'Hello <there>' });
    expect(r.subject).toBe(EN.testSubject);
    expect(r.text).toContain('Hello <there>');
    expect(r.text).toContain(EN.testExplanation);
    expect(r.html).toContain('Hello &lt;there&gt;');
  });
});

describe('relative times', () => {
  it('rounds down and picks a readable unit', () => {
    expect(EN.relative(3 * DAY + 23 * 3_600_000)).toBe('in 3 days');
    expect(EN.relative(2 * DAY)).toBe('in 2 days');
    expect(EN.relative(36 * 3_600_000)).toBe('in 36 hours');
    expect(EN.relative(90 * 60_000)).toBe('in 90 minutes');
    expect(EN.relative(60_000)).toBe('in 1 minute');
    expect(EN.relative(0)).toBe('now');
    expect(EN.relative(-5000)).toBe('now');
  });
});
