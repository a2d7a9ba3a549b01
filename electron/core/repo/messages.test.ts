import { readdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import type { VaultServices } from '../services.js';
import type { Vault } from '../vault/vault.js';
import type { ManualClock } from '../test-support/manual-clock.js';
import { LIMITS } from '../../../shared/validation.js';
import type { MessagesRepo } from './messages.js';
import { VaultTemplate, type TestVault } from './test-support/vault-template.js';
import { ON_OWN_NETWORK } from '../test-support/webhook-receiver.js';

const T0 = Date.UTC(2025, 2, 1, 9, 0, 0);

let template: VaultTemplate;
let current: TestVault;
let clock: ManualClock;
let vault: Vault;
let services: VaultServices;
let messages: MessagesRepo;

beforeAll(async () => {
  template = await VaultTemplate.create(T0);
});
afterAll(async () => {
  await template.dispose();
});

/** A fresh vault (a copy of the template) in its own temporary directory. */
async function setUp(): Promise<void> {
  current = await template.copy(T0);
  ({ clock, vault, services } = current);
  messages = services.messages;
}
async function tearDown(): Promise<void> {
  await current.dispose();
}

async function* pieces(data: Uint8Array, size = 10_000): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

async function readAll(id: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of messages.attachments.read(id)) parts.push(chunk);
  return Buffer.concat(parts);
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

const count = (table: string): number =>
  vault.db.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('MessagesRepo', () => {
  beforeEach(setUp);
  afterEach(tearDown);

  it('create + get round-trips every field', () => {
    const id = messages.create({
      title: '  For Ana  ',
      body: 'Line 1\nLine 2',
      status: 'draft',
      deliveryDelayMs: 3_600_000,
    });
    expect(id).toMatch(/^msg_[0-9a-z]{16}$/);
    expect(messages.get(id)).toEqual({
      id,
      title: 'For Ana',
      body: 'Line 1\nLine 2',
      bodyHtml: null,
      status: 'draft',
      planId: null,
      deliveryDelayMs: 3_600_000,
      recipients: [],
      attachments: [],
      createdAt: T0,
      updatedAt: T0,
    });
    const second = messages.create({ title: 't', body: '' });
    expect(second).not.toBe(id);
    expect(messages.get(second).status).toBe('active'); // the default status
  });

  it('stores title and body encrypted, never as plaintext', () => {
    const id = messages.create({ title: 'Very secret title', body: 'Very secret body' });
    const row = vault.db.sqlite.prepare('SELECT title, body_text FROM messages WHERE id = ?').get(id) as {
      title: Buffer;
      body_text: Buffer;
    };
    expect(Buffer.isBuffer(row.title)).toBe(true);
    expect(row.title.includes('Very secret')).toBe(false);
    expect(row.body_text.includes('Very secret')).toBe(false);
  });

  it('stores the formatted body sanitized and encrypted, bound to its row', () => {
    const html =
      '<p>Very <strong>secret</strong> <a href="https://example.org" onclick="x()">html</a></p><script>alert(1)</script>';
    const id = messages.create({ title: 't', body: 'Very secret html', bodyHtml: html });
    const other = messages.create({ title: 'u', body: 'other', bodyHtml: '<p>other</p>' });
    expect(messages.get(id).bodyHtml).toBe(
      '<p>Very <strong>secret</strong> <a href="https://example.org">html</a></p>',
    );
    const raw = vault.db.sqlite.prepare('SELECT body_html FROM messages WHERE id = ?').pluck();
    const sealed = raw.get(id) as Buffer;
    expect(Buffer.isBuffer(sealed)).toBe(true);
    expect(sealed.includes('secret')).toBe(false);
    expect(sealed.includes('<p>')).toBe(false);
    // The envelope names its row: moved onto another message, it no longer opens.
    vault.db.sqlite.prepare('UPDATE messages SET body_html = ? WHERE id = ?').run(sealed, other);
    expect(() => messages.get(other)).toThrow();
  });

  it('keeps no formatting that shows nothing, and drops stale formatting with a new text', () => {
    const blank = messages.create({ title: 't', body: '', bodyHtml: '<p></p><script>x</script>' });
    expect(messages.get(blank).bodyHtml).toBeNull();
    const id = messages.create({ title: 't', body: 'one', bodyHtml: '<p><em>one</em></p>' });
    messages.update(id, { title: 'renamed' });
    expect(messages.get(id).bodyHtml).toBe('<p><em>one</em></p>');
    messages.update(id, { body: 'two', bodyHtml: '<p><strong>two</strong></p>' });
    expect(messages.get(id)).toMatchObject({ body: 'two', bodyHtml: '<p><strong>two</strong></p>' });
    messages.update(id, { body: 'three' });
    expect(messages.get(id)).toMatchObject({ body: 'three', bodyHtml: null });
    messages.update(id, { bodyHtml: '<h2>three</h2>' });
    expect(messages.get(id)).toMatchObject({ body: 'three', bodyHtml: '<h2>three</h2>' });
  });

  it('refuses a formatted body over its limit, saying what to do', () => {
    const huge = `<p>${'x'.repeat(LIMITS.bodyHtmlMaxBytes)}</p>`;
    expect(thrown(() => messages.create({ title: 't', body: 'x', bodyHtml: huge }))).toBeInstanceOf(BadRequestError);
    expect(thrown(() => messages.create({ title: 't', body: 'x', bodyHtml: huge })).message).toMatch(
      /^bodyHtml: .*attach long content as a file/,
    );
  });

  it('get of an unknown id → NotFoundError', () => {
    expect(thrown(() => messages.get('msg_0000000000000000'))).toBeInstanceOf(NotFoundError);
  });

  it('lists newest first with paging and totals', () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(messages.create({ title: `Message ${i}`, body: `body ${i}` }));
      clock.advance(1000);
    }
    const newestFirst = [...ids].reverse();
    const page1 = messages.list({ limit: 3 });
    expect(page1.total).toBe(7);
    expect(page1.items.map((m) => m.id)).toEqual(newestFirst.slice(0, 3));
    expect(page1.items.map((m) => m.title)).toEqual(['Message 6', 'Message 5', 'Message 4']);
    expect(messages.list({ limit: 3, offset: 3 }).items.map((m) => m.id)).toEqual(newestFirst.slice(3, 6));
    const last = messages.list({ limit: 3, offset: 6 });
    expect(last).toMatchObject({ total: 7 });
    expect(last.items.map((m) => m.id)).toEqual(newestFirst.slice(6));
    expect(messages.list({ limit: 3, offset: 9 })).toEqual({ total: 7, items: [] });

    // Editing moves a message to the top: "newest" is the last change.
    messages.update(ids[0]!, { body: 'edited' });
    expect(messages.list({ limit: 1 }).items[0]).toMatchObject({
      id: ids[0],
      title: 'Message 0',
      updatedAt: T0 + 7000,
      createdAt: T0,
    });
  });

  it('clamps the page size to 1..500 and never skips a message between pages of equal time', () => {
    const ids = Array.from({ length: 5 }, (_, i) => messages.create({ title: `Same time ${i}`, body: '' }));
    expect(messages.list({ limit: 0 }).items).toHaveLength(1);
    expect(messages.list({ limit: 10_000 }).items).toHaveLength(5);
    expect(messages.list({ offset: -5 }).items).toHaveLength(5);
    const paged = [0, 1, 2, 3, 4].flatMap((offset) => messages.list({ limit: 1, offset }).items.map((m) => m.id));
    expect([...paged].sort()).toEqual([...ids].sort());
  });

  it('update changes title, body and status, and the update time', () => {
    const id = messages.create({ title: 'Old', body: 'old body' });
    clock.advance(5000);
    expect(messages.update(id, { title: 'New', body: 'new body', status: 'paused' })).toEqual({ removedBlobIds: [] });
    expect(messages.get(id)).toMatchObject({
      title: 'New',
      body: 'new body',
      status: 'paused',
      createdAt: T0,
      updatedAt: T0 + 5000,
    });
    messages.update(id, { status: 'active' });
    expect(messages.get(id)).toMatchObject({ title: 'New', body: 'new body', status: 'active' });
    expect(thrown(() => messages.update('msg_0000000000000000', { title: 'x' }))).toBeInstanceOf(NotFoundError);
  });

  it('remove deletes the message and its links; removing again → NotFoundError', () => {
    const rcp = services.recipients.add({ type: 'email', name: 'Ana', contact: 'ana@example.org' });
    const id = messages.create({ title: 'Bye', body: '', recipientIds: [rcp.id] });
    const other = messages.create({ title: 'Stays', body: '' });
    expect(messages.remove(id)).toEqual({ removedBlobIds: [] });
    expect(thrown(() => messages.get(id))).toBeInstanceOf(NotFoundError);
    expect(count('message_recipients')).toBe(0);
    expect(thrown(() => messages.remove(id))).toBeInstanceOf(NotFoundError);
    expect(messages.list()).toMatchObject({ total: 1, items: [{ id: other }] });
    services.recipients.remove(rcp.id); // no longer linked
  });

  // Repos built before lock() keep the ContentKey object; its key getter must then refuse with
  // VaultLockedError instead of handing out zeroed bytes that would look like tampering.
  it('a read through services kept across lock() says the vault is locked, not "tampered"', () => {
    const id = messages.create({ title: 'x', body: 'y' });
    vault.lock();
    expect(thrown(() => messages.get(id))).toMatchObject({ code: 'VAULT_LOCKED' });
  });

  it('a write through services kept across lock() is refused and leaves nothing behind', () => {
    messages.create({ title: 'before', body: '' });
    vault.lock();
    expect(() => messages.create({ title: 'after', body: '' })).toThrow(/vault is locked/);
    expect(count('messages')).toBe(1);
  });

  describe('recipients', () => {
    it('links recipients (duplicates once) and reports them on get and list', () => {
      const ana = services.recipients.add({ type: 'email', name: 'Ana', contact: 'ana@example.org' });
      const hook = services.recipients.add({
        type: 'webhook',
        name: 'Relay',
        contact: 'https://relay.example.org/hook',
      });
      const id = messages.create({ title: 'Both', body: '', recipientIds: [ana.id, hook.id, ana.id] });
      const got = messages.get(id).recipients;
      expect([...got].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        [ana, hook].sort((a, b) => a.id.localeCompare(b.id)),
      );
      expect(messages.list().items[0]).toMatchObject({ id, recipientCount: 2, attachmentCount: 0 });

      messages.update(id, { recipientIds: [hook.id] });
      expect(messages.get(id).recipients).toEqual([hook]);
      messages.update(id, { recipientIds: [] });
      expect(messages.get(id).recipients).toEqual([]);
    });

    it('refuses an unknown recipient and writes nothing', () => {
      const error = thrown(() => messages.create({ title: 'x', body: '', recipientIds: ['rcp_0000000000000000'] }));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toContain('rcp_0000000000000000');
      expect(count('messages')).toBe(0);
    });

    it('refuses to remove a recipient while a message goes to it (ConflictError), then allows it', () => {
      const ana = services.recipients.add({ type: 'email', name: 'Ana', contact: 'ana@example.org' });
      const a = messages.create({ title: 'A', body: '', recipientIds: [ana.id] });
      const b = messages.create({ title: 'B', body: '', recipientIds: [ana.id] });
      const error = thrown(() => services.recipients.remove(ana.id));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(/still receives 2 message\(s\): remove it from those messages first/);
      expect(services.recipients.get(ana.id)).toEqual(ana);

      messages.update(a, { recipientIds: [] });
      messages.remove(b);
      services.recipients.remove(ana.id);
      expect(thrown(() => services.recipients.get(ana.id))).toBeInstanceOf(NotFoundError);
      expect(services.recipients.list()).toEqual([]);
    });

    it('round-trips recipients in the address book, oldest first', () => {
      const a = services.recipients.add({ type: 'email', name: ' Ana ', contact: ' ana@example.org ' });
      clock.advance(1);
      const b = services.recipients.add(
        { type: 'webhook', name: 'Relay', contact: 'http://127.0.0.1:8080/x' },
        ON_OWN_NETWORK,
      );
      expect(a).toMatchObject({ name: 'Ana', contact: 'ana@example.org', type: 'email' });
      expect(services.recipients.list()).toEqual([a, b]);
    });
  });

  describe('attachments', () => {
    it('stages from an async iterable, inserts with the message, and reads back byte-identical', async () => {
      const data = randomBytes(150_000);
      const staged = await messages.attachments.stage(pieces(data), 'letter.pdf');
      expect(staged).toMatchObject({ name: 'letter.pdf', mediaType: 'application/pdf', size: 150_000 });
      expect(staged.storedSize).toBeGreaterThan(150_000);
      const empty = await messages.attachments.stage(pieces(new Uint8Array(0)), 'empty.bin', 'application/x-empty');
      const id = messages.create({ title: 'With files', body: '', attachments: [staged, empty] });

      const detail = messages.get(id);
      expect([...detail.attachments].sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        [
          { id: staged.id, name: 'letter.pdf', size: 150_000, mediaType: 'application/pdf' },
          { id: empty.id, name: 'empty.bin', size: 0, mediaType: 'application/x-empty' },
        ].sort((x, y) => x.id.localeCompare(y.id)),
      );
      expect(messages.list().items[0]).toMatchObject({ attachmentCount: 2 });
      expect((await readAll(staged.id)).equals(data)).toBe(true);
      expect((await readAll(empty.id)).length).toBe(0);
      expect(messages.attachments.get(id, staged.id).name).toBe('letter.pdf');
      expect(thrown(() => messages.attachments.get(id, 'att_0000000000000000'))).toBeInstanceOf(NotFoundError);
      // No plaintext name in the table.
      const raw = vault.db.sqlite.prepare('SELECT name, media_type FROM attachments').all() as { name: Buffer }[];
      expect(raw.some((r) => r.name.includes('letter'))).toBe(false);
    });

    it('update adds and removes attachments; removing returns the blob ids', async () => {
      const first = await messages.attachments.stage(pieces(randomBytes(10)), 'a.txt');
      const id = messages.create({ title: 'x', body: '', attachments: [first] });
      const second = await messages.attachments.stage(pieces(randomBytes(20)), 'b.txt');
      expect(messages.update(id, { addAttachments: [second] })).toEqual({ removedBlobIds: [] });
      expect(
        messages
          .get(id)
          .attachments.map((a) => a.id)
          .sort(),
      ).toEqual([first.id, second.id].sort());
      expect(messages.update(id, { removeAttachmentIds: [first.id] })).toEqual({ removedBlobIds: [first.id] });
      expect(messages.get(id).attachments.map((a) => a.id)).toEqual([second.id]);
    });

    it('removing an attachment that is not on the message → NotFoundError, nothing changed', async () => {
      const att = await messages.attachments.stage(pieces(randomBytes(10)), 'a.txt');
      const id = messages.create({ title: 'Original', body: '', attachments: [att] });
      const other = messages.create({ title: 'Other', body: '' });
      const error = thrown(() => messages.update(other, { title: 'Changed', removeAttachmentIds: [att.id] }));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(messages.get(other).title).toBe('Other'); // the whole update was rolled back
      expect(messages.get(id).attachments).toHaveLength(1);
    });

    it('removing a message returns its blob ids (to delete from disk) and drops the rows', async () => {
      const a = await messages.attachments.stage(pieces(randomBytes(1000)), 'a.jpg');
      const b = await messages.attachments.stage(pieces(randomBytes(1000)), 'b.mp4');
      const id = messages.create({ title: 'x', body: '', attachments: [a, b] });
      const { removedBlobIds } = messages.remove(id);
      expect([...removedBlobIds].sort()).toEqual([a.id, b.id].sort());
      expect(count('attachments')).toBe(0);
      await messages.attachments.discard(removedBlobIds);
      expect(await readdir(vault.blobsDir)).toEqual([]);
    });

    it('refuses an empty or too-long attachment name', async () => {
      await expect(messages.attachments.stage(pieces(randomBytes(1)), '   ')).rejects.toBeInstanceOf(BadRequestError);
      await expect(messages.attachments.stage(pieces(randomBytes(1)), 'x'.repeat(256))).rejects.toThrow(
        /1–255 characters/,
      );
      expect(await readdir(vault.blobsDir)).toEqual([]);
    });
  });

  describe('validation errors say what to do', () => {
    const cases: [string, () => unknown, RegExp][] = [
      [
        'empty title',
        () => messages.create({ title: '', body: 'b' }),
        /title: the title is empty: give the message a title/,
      ],
      ['blank title', () => messages.create({ title: ' \t\n ', body: 'b' }), /title: the title is empty/],
      [
        'long title',
        () => messages.create({ title: 'x'.repeat(LIMITS.titleMax + 1), body: '' }),
        /title: the title is longer than 200 characters: shorten it/,
      ],
      [
        'body over 1 MiB',
        () => messages.create({ title: 't', body: 'é'.repeat(LIMITS.bodyMaxBytes / 2 + 1) }),
        /body: the body is larger than 1 MiB: attach long content as a file instead/,
      ],
      [
        'bad email',
        () => services.recipients.add({ type: 'email', name: 'Ana', contact: 'ana-at-example.org' }),
        /contact: not a valid e-mail address \(expected something like name@example\.org\)/,
      ],
      [
        'ftp:// webhook',
        () => services.recipients.add({ type: 'webhook', name: 'Relay', contact: 'ftp://relay.example.org/x' }),
        /contact: not a valid webhook URL: it must start with https:\/\//,
      ],
      [
        'empty recipient name',
        () => services.recipients.add({ type: 'email', name: '', contact: 'ana@example.org' }),
        /name: the name is empty: say who this recipient is/,
      ],
    ];
    for (const [name, run, says] of cases) {
      it(name, () => {
        const error = thrown(run);
        expect(error).toBeInstanceOf(BadRequestError);
        expect((error as BadRequestError).code).toBe('BAD_REQUEST');
        expect(error.message).toMatch(says);
        expect(count('messages') + count('recipients')).toBe(0);
      });
    }

    it('an update with an empty title is refused and changes nothing', () => {
      const id = messages.create({ title: 'Keep me', body: 'b' });
      expect(thrown(() => messages.update(id, { title: '', body: 'changed' }))).toBeInstanceOf(BadRequestError);
      expect(messages.get(id)).toMatchObject({ title: 'Keep me', body: 'b', updatedAt: T0 });
    });

    it('accepts exactly the limits', () => {
      const id = messages.create({ title: 'x'.repeat(LIMITS.titleMax), body: 'é'.repeat(LIMITS.bodyMaxBytes / 2) });
      expect(messages.get(id).body.length).toBe(LIMITS.bodyMaxBytes / 2);
    });
  });
});

describe('MessagesRepo: any title and body within limits round-trips', () => {
  beforeAll(setUp);
  afterAll(tearDown);

  /** One "character": any code point (NUL, controls, astral), a grapheme, or a known-tricky piece. */
  const unit = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    fc.constantFrom('\0', '😀', '👨‍👩‍👧‍👦', '🏳️‍🌈', '漢', '字', '你好', 'é', 'e\u0301', '\u200d', '\ufeff', '\r\n', ' '),
  );
  const title = fc
    .string({ unit, minLength: 1, maxLength: 120 })
    .filter((t) => t.trim().length >= 1 && t.trim().length <= LIMITS.titleMax);
  const body = fc.string({ unit, maxLength: 2000 });

  it('create → get/list returns exactly what was written (titles trimmed at the edges)', () => {
    fc.assert(
      fc.property(title, body, (t, b) => {
        const id = messages.create({ title: t, body: b });
        try {
          const got = messages.get(id);
          expect(got.title).toBe(t.trim());
          expect(got.body).toBe(b);
          expect(messages.list({ limit: 500 }).items.find((m) => m.id === id)?.title).toBe(t.trim());
        } finally {
          messages.remove(id);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('titles without surrounding whitespace, and bodies, survive an update exactly', () => {
    const id = messages.create({ title: 'start', body: '' });
    fc.assert(
      fc.property(
        title.map((t) => t.trim()),
        body,
        (t, b) => {
          messages.update(id, { title: t, body: b });
          expect(messages.get(id)).toMatchObject({ title: t, body: b });
        },
      ),
      { numRuns: 150 },
    );
  });

  // TextDecoder strips a leading byte-order mark unless told not to (envelope.ts sets ignoreBOM).
  it('a body that starts with U+FEFF keeps it', () => {
    const id = messages.create({ title: 'bom', body: '\ufeffstarts with a BOM' });
    expect(messages.get(id).body).toBe('\ufeffstarts with a BOM');
  });

  it('known examples: emoji, CJK, NUL', () => {
    for (const [t, b] of [
      ['家族へ 👨‍👩‍👧', '密码是 \0 在盒子里 🔑'],
      ['a\0b', '\0'],
      ['\u0000leading NUL', 'trailing NUL\u0000'],
    ] as const) {
      const id = messages.create({ title: t, body: b });
      expect(messages.get(id)).toMatchObject({ title: t, body: b });
    }
  });
});
