// The contract test suite's content journey: messages, attachments, recipients and what a plan
// delivers (see contract-suite.ts). Test support only.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { ATTACHMENT_CHUNK_BYTES } from '../../../../shared/contract/methods.js';
import { DAY_MS } from '../../../../shared/durations.js';
import { code, data, levels, type SuiteSession } from './contract-suite-support.js';

/** Writes, lists, edits and deletes content; leaves three messages and the recipient Kin. */
export function contentJourney(session: () => SuiteSession): void {
  it('writes a message with a recipient and a chunked attachment, and reads it back', async () => {
    const { owner } = session();
    expect(await code(owner.call('recipients.create', { name: 'Kin', type: 'email', contact: 'not-an-address' }))).toBe(
      'BAD_REQUEST',
    );
    const kin = await data<{ id: string }>(
      owner.call('recipients.create', { name: 'Kin', type: 'email', contact: 'kin@example.org' }),
    );

    const file = new Uint8Array(randomBytes(ATTACHMENT_CHUNK_BYTES * 2 + 1234));
    const { uploadId } = await data<{ uploadId: string }>(
      owner.call('attachments.uploadBegin', { name: 'letter.pdf', size: file.length }),
    );
    for (let i = 0, at = 0; at < file.length; i++, at += ATTACHMENT_CHUNK_BYTES) {
      const piece = Buffer.from(file.subarray(at, at + ATTACHMENT_CHUNK_BYTES)).toString('base64');
      expect(
        await code(owner.call('attachments.uploadChunk', { uploadId, index: i + (i === 1 ? 5 : 0), data: piece })),
      ).toBe(i === 1 ? 'BAD_REQUEST' : 'OK');
      if (i === 1) await data(owner.call('attachments.uploadChunk', { uploadId, index: i, data: piece }));
    }
    await data(owner.call('attachments.uploadFinish', { uploadId }));

    const { id } = await data<{ id: string }>(
      owner.call('messages.create', {
        title: 'For Kin',
        body: 'Dear Kin,\n…',
        recipientIds: [kin.id],
        uploadIds: [uploadId],
      }),
    );
    const message = await data<{
      title: string;
      recipients: { id: string }[];
      attachments: { id: string; size: number; name: string }[];
    }>(owner.call('messages.get', { id }));
    expect(message).toMatchObject({
      title: 'For Kin',
      recipients: [{ id: kin.id }],
      attachments: [{ name: 'letter.pdf', size: file.length }],
    });

    const pieces: Buffer[] = [];
    for (let index = 0; ; index++) {
      const piece = await data<{ data: string; last: boolean }>(
        owner.call('attachments.download', { messageId: id, attachmentId: message.attachments[0]!.id, index }),
      );
      pieces.push(Buffer.from(piece.data, 'base64'));
      if (piece.last) break;
    }
    expect(Buffer.concat(pieces).equals(Buffer.from(file))).toBe(true);
    expect(await code(owner.call('messages.create', { title: 'again', body: '', uploadIds: [uploadId] }))).toBe(
      'NOT_FOUND',
    );
  });

  it('lists with paging and search, updates and deletes', async () => {
    const { owner } = session();
    for (const title of ['Garden notes', 'Passwords', 'garden tools'])
      await data(owner.call('messages.create', { title, body: 'x' }));
    const all = await data<{ total: number; items: { title: string }[] }>(owner.call('messages.list', { limit: 2 }));
    expect(all.total).toBe(4);
    expect(all.items).toHaveLength(2);
    const rest = await data<{ items: { title: string }[] }>(owner.call('messages.list', { limit: 2, offset: 2 }));
    expect([...all.items, ...rest.items].map((m) => m.title).sort()).toEqual([
      'For Kin',
      'Garden notes',
      'Passwords',
      'garden tools',
    ]);
    const found = await data<{ total: number; items: { id: string; title: string }[] }>(
      owner.call('messages.list', { query: 'GARDEN' }),
    );
    expect(found.items.map((m) => m.title).sort()).toEqual(['Garden notes', 'garden tools']);
    await data(owner.call('messages.update', { id: found.items[0]!.id, title: 'Garden (renamed)' }));
    await data(owner.call('messages.delete', { id: found.items[1]!.id }));
    expect((await data<{ total: number }>(owner.call('messages.list', {}))).total).toBe(3);
    expect(await code(owner.call('messages.get', { id: found.items[1]!.id }))).toBe('NOT_FOUND');
  });

  it('recipients: edited in place, listed with the messages that use them, kept while in use', async () => {
    const { owner } = session();
    const mo = await data<{ id: string }>(
      owner.call('recipients.create', { name: 'Mo', type: 'email', contact: 'mo@example.org' }),
    );
    const { id: letter } = await data<{ id: string }>(
      owner.call('messages.create', { title: 'For Mo', body: 'x', recipientIds: [mo.id] }),
    );
    expect(await code(owner.call('recipients.update', { id: mo.id, contact: 'https://not-an-address.example' }))).toBe(
      'BAD_REQUEST',
    );
    expect(await code(owner.call('recipients.update', { id: mo.id, name: '' }))).toBe('BAD_REQUEST');
    const edited = await data(
      owner.call('recipients.update', { id: mo.id, name: 'Mo (brother)', contact: 'mo@example.net' }),
    );
    expect(edited).toMatchObject({ id: mo.id, name: 'Mo (brother)', contact: 'mo@example.net', type: 'email' });
    const list = await data<{ id: string; name: string; usedBy: { id: string; title: string }[] }[]>(
      owner.call('recipients.list', {}),
    );
    expect(list.find((r) => r.id === mo.id)).toMatchObject({
      name: 'Mo (brother)',
      usedBy: [{ id: letter, title: 'For Mo' }],
    });
    expect(await data(owner.call('messages.get', { id: letter }))).toMatchObject({
      recipients: [{ id: mo.id, contact: 'mo@example.net' }],
    });
    expect(await code(owner.call('recipients.delete', { id: mo.id }))).toBe('CONFLICT');
    await data(owner.call('messages.delete', { id: letter }));
    await data(owner.call('recipients.delete', { id: mo.id }));
    expect(await code(owner.call('recipients.update', { id: mo.id, name: 'gone' }))).toBe('NOT_FOUND');
  });

  it('plans.deliveries: the active messages a plan delivers and to whom; the default plan also takes those naming none', async () => {
    const { owner } = session();
    const plans = await data<{ id: string; isDefault: boolean }[]>(owner.call('plans.list', {}));
    const main = plans.find((p) => p.isDefault)!;
    const other = await data<{ id: string }>(
      owner.call('plans.create', { name: 'Other', intervalMs: 30 * DAY_MS, levels }),
    );
    const ana = await data<{ id: string }>(
      owner.call('recipients.create', { name: 'Ana', type: 'email', contact: 'ana@example.org' }),
    );
    const follows = await data<{ id: string }>(
      owner.call('messages.create', { title: 'No plan named', body: 'x', recipientIds: [ana.id] }),
    );
    const own = await data<{ id: string }>(
      owner.call('messages.create', {
        title: 'On Other',
        body: 'x',
        recipientIds: [ana.id],
        planId: other.id,
        deliveryDelayMs: DAY_MS,
      }),
    );
    const draft = await data<{ id: string }>(
      owner.call('messages.create', {
        title: 'Draft',
        body: 'x',
        recipientIds: [ana.id],
        planId: other.id,
        status: 'draft',
      }),
    );
    const onMain = await data<{ messages: { id: string }[] }>(owner.call('plans.deliveries', { id: main.id }));
    expect(onMain.messages.map((m) => m.id)).toContain(follows.id);
    expect(await data(owner.call('plans.deliveries', { id: other.id }))).toEqual({
      messages: [
        {
          id: own.id,
          title: 'On Other',
          deliveryDelayMs: DAY_MS,
          recipients: [expect.objectContaining({ id: ana.id, name: 'Ana', contact: 'ana@example.org' })],
        },
      ],
    });
    for (const id of [follows.id, own.id, draft.id]) await data(owner.call('messages.delete', { id }));
    await data(owner.call('plans.delete', { id: other.id }));
    await data(owner.call('recipients.delete', { id: ana.id }));
  });

  it('keeps a formatted body, sanitized, and drops it with a new plain text', async () => {
    const { owner } = session();
    const bodyHtml =
      '<p onclick="x()">Hi <strong>there</strong> <a href="javascript:x()">link</a></p><script>x()</script>';
    const { id } = await data<{ id: string }>(
      owner.call('messages.create', { title: 'Formatted', body: 'Hi there link', bodyHtml }),
    );
    expect(await data(owner.call('messages.get', { id }))).toMatchObject({
      body: 'Hi there link',
      bodyHtml: '<p>Hi <strong>there</strong> link</p>',
    });
    await data(owner.call('messages.update', { id, body: 'Bye' }));
    expect(await data(owner.call('messages.get', { id }))).toMatchObject({ body: 'Bye', bodyHtml: null });
    expect(await code(owner.call('messages.update', { id, bodyHtml: 42 }))).toBe('BAD_REQUEST');
    await data(owner.call('messages.delete', { id }));
  });
}
