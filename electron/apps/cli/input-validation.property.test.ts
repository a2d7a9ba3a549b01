// Property tests of the input rules every front door uses (shared/validation.ts), run in-process,
// plus a few samples through the real CLI showing that rejected input exits 1 and writes nothing.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, emailSchema, newRecipientSchema, titleSchema, webhookUrlSchema } from '../../../shared/validation.js';
import { CliVault, TempDirs, assertCliBuilt, describeResult, parseJsonStdout } from './test-support/run-cli.js';

/** Every character String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
const WHITESPACE = [
  ' ',
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2001',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];
const whitespace = fc.string({ unit: fc.constantFrom(...WHITESPACE), minLength: 0, maxLength: 20 });

/** A URL scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )) other than http and https. */
const otherScheme = fc
  .oneof(
    fc.constantFrom(
      'ftp',
      'ftps',
      'file',
      'ws',
      'wss',
      'javascript',
      'data',
      'mailto',
      'gopher',
      'ssh',
      'httpx',
      'http2',
      'shttp',
    ),
    fc.stringMatching(/^[a-z][a-z0-9+.-]{0,12}$/),
  )
  .filter((s) => s !== 'http' && s !== 'https');

const accepts = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown): boolean =>
  schema.safeParse(value).success;

describe('input validation properties (shared/validation.ts)', () => {
  it('accepts every generated e-mail address (RFC 5322 dot-atom local part, hostname domain)', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => accepts(emailSchema(), email)),
      { numRuns: 500 },
    );
  });

  it('accepts addresses with surrounding whitespace, and stores them trimmed', () => {
    fc.assert(
      fc.property(fc.emailAddress(), whitespace, whitespace, (email, before, after) => {
        const parsed = emailSchema().safeParse(`${before}${email}${after}`);
        return parsed.success && parsed.data === email;
      }),
    );
  });

  it('rejects every string without an @', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }).filter((s) => !s.includes('@')),
        (s) => !accepts(emailSchema(), s),
      ),
    );
    fc.assert(fc.property(fc.emailAddress(), (email) => !accepts(emailSchema(), email.replace('@', ''))));
  });

  it('rejects an address with a second @, an empty side, or a space inside', () => {
    fc.assert(
      fc.property(
        fc.emailAddress(),
        fc.constantFrom('@@', ' @', '@ '),
        (email, glue) => !accepts(emailSchema(), email.replace('@', glue)),
      ),
    );
    fc.assert(fc.property(fc.domain(), (domain) => !accepts(emailSchema(), `@${domain}`)));
    fc.assert(
      fc.property(fc.emailAddress(), (email) => !accepts(emailSchema(), email.slice(0, email.indexOf('@') + 1))),
    );
  });

  it('accepts every http and https web URL', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }),
        (url) => accepts(webhookUrlSchema(), url),
      ),
      { numRuns: 500 },
    );
  });

  it('rejects the same URLs with any other scheme', () => {
    fc.assert(
      fc.property(otherScheme, fc.webUrl({ validSchemes: ['https'] }), (scheme, url) => {
        const other = `${scheme}${url.slice('https'.length)}`;
        return !accepts(webhookUrlSchema(), other);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects anything that is not an absolute URL', () => {
    fc.assert(
      fc.property(fc.domain(), fc.webPath(), (domain, path) => !accepts(webhookUrlSchema(), `${domain}${path}`)),
    );
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).filter((s) => !s.includes(':')),
        (s) => !accepts(webhookUrlSchema(), s),
      ),
    );
  });

  it(`rejects titles longer than ${LIMITS.titleMax} characters after trimming`, () => {
    fc.assert(
      fc.property(
        fc
          .string({ unit: 'grapheme', minLength: LIMITS.titleMax + 1, maxLength: 400 })
          .filter((s) => [...s.trim()].length > LIMITS.titleMax),
        (title) => !accepts(titleSchema(), title),
      ),
      { numRuns: 200 },
    );
  });

  it(`accepts titles of 1 to ${LIMITS.titleMax} characters, trimmed`, () => {
    const edge = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }).filter((c) => c.trim() === c);
    fc.assert(
      fc.property(
        edge,
        fc.string({ unit: 'grapheme-ascii', maxLength: LIMITS.titleMax - 2 }),
        edge,
        whitespace,
        whitespace,
        (first, middle, last, before, after) => {
          const title = `${first}${middle}${last}`.slice(0, LIMITS.titleMax);
          const parsed = titleSchema().safeParse(`${before}${title}${after}`);
          return parsed.success && parsed.data === title;
        },
      ),
    );
    expect(accepts(titleSchema(), 'x'.repeat(LIMITS.titleMax))).toBe(true);
    expect(accepts(titleSchema(), 'x'.repeat(LIMITS.titleMax + 1))).toBe(false);
  });

  it('rejects empty and whitespace-only titles', () => {
    fc.assert(fc.property(whitespace, (title) => !accepts(titleSchema(), title)));
  });

  it('newRecipientSchema(): the contact must fit the type, and the name must not be blank', () => {
    const name = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0);
    const webhook = fc.webUrl({ validSchemes: ['http', 'https'] });
    fc.assert(
      fc.property(name, fc.emailAddress(), webhook, (n, email, url) => {
        expect(accepts(newRecipientSchema(), { type: 'email', name: n, contact: email })).toBe(true);
        expect(accepts(newRecipientSchema(), { type: 'webhook', name: n, contact: url })).toBe(true);
        // Swapped: an address is not a webhook, a web URL is not an address.
        expect(accepts(newRecipientSchema(), { type: 'webhook', name: n, contact: email })).toBe(false);
        expect(accepts(newRecipientSchema(), { type: 'email', name: n, contact: url })).toBe(false);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(
        whitespace,
        fc.emailAddress(),
        (blank, email) => !accepts(newRecipientSchema(), { type: 'email', name: blank, contact: email }),
      ),
    );
    fc.assert(
      fc.property(
        fc.string().filter((t) => t !== 'email' && t !== 'webhook'),
        fc.emailAddress(),
        (type, email) => !accepts(newRecipientSchema(), { type, name: 'Someone', contact: email }),
      ),
    );
  });
});

describe('rejected input through the CLI: exit 1, nothing written', { timeout: 120_000 }, () => {
  const temp = new TempDirs();
  let v: CliVault;
  let attachment: string;

  beforeAll(async () => {
    assertCliBuilt();
    v = await CliVault.create(temp, 'validation');
    await v.init();
    await v.json(['recipient', 'add', '--name', 'Existing', '--email', 'existing@example.org']);
    await v.json(['message', 'add', '--title', 'Existing', '--body', 'b']);
    attachment = join(v.root, 'attachment.txt');
    await writeFile(attachment, 'attached '.repeat(1000));
  }, 120_000);
  afterAll(() => temp.cleanup());

  it('bad e-mail, bad webhook scheme, blank name, blank or long title (with an attachment staged) are refused', async () => {
    const [emailSample] = fc.sample(fc.emailAddress(), 1);
    const [urlSample] = fc.sample(fc.webUrl({ validSchemes: ['https'] }), 1);
    const rejected = [
      ['recipient', 'add', '--name', 'Bob', '--email', emailSample!.replace('@', '')],
      ['recipient', 'add', '--name', 'Hook', '--webhook', `ftp${urlSample!.slice('https'.length)}`],
      ['recipient', 'add', '--name', ' \t ', '--email', 'blank@example.org'],
      ['message', 'add', '--title', ' \u3000\t', '--body', 'b', '--attach', attachment],
      ['message', 'add', '--title', 'x'.repeat(LIMITS.titleMax + 1), '--body', 'b', '--attach', attachment],
    ];
    const results = await Promise.all(rejected.map((args) => v.run([...args, '--json'])));
    results.forEach((result, i) => {
      expect(result.code, `${rejected[i]!.join(' ')}\n${describeResult(result)}`).toBe(1);
      expect(parseJsonStdout<{ error: { code: string } }>(result).error.code).toBe('BAD_REQUEST');
      expect(result.stderr).toMatch(/^afterword: [^\n]+\n$/);
    });
    expect(await v.messageCount()).toBe(1);
    expect(await v.json<unknown[]>(['recipient', 'list'])).toHaveLength(1);
    // The attachments were encrypted before the title was checked; their blobs were removed again.
    expect(await v.blobFiles()).toEqual([]);
  });
});
