// Drafts keep what is being written across a crash or a closed window, and keep it as unreadable
// as the messages themselves: a marker typed into a draft is found through the contract and in no
// file of the vault, neither in the write-ahead log nor after the vault is closed.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { AppCore } from '../api/app-core.js';
import { createRouter } from '../api/router.js';
import type { Reply } from '../../../shared/contract/reply.js';

const PASSWORD = 'correct horse battery';
let root = '';
let clock: ManualClock;

function start() {
  const app = new AppCore({
    vaultDir: join(root, 'vault'),
    clock,
    keyStore: new FileKeyStore(join(root, 'keys')),
    scrypt: { logN: 15, r: 8, p: 1 },
  });
  const router = createRouter(app, { validateOutput: true });
  const call = async <T>(method: string, input: unknown = {}): Promise<Reply<T>> =>
    (await router.call(method, input, { role: app.isUiUnlocked ? 'owner' : 'public', transport: 'test' })) as Reply<T>;
  const data = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const reply = await call<T>(method, input);
    if (!reply.ok) throw new Error(`${method}: ${reply.code} ${reply.message}`);
    return reply.data;
  };
  return { app, call, data };
}

/** A new vault, unlocked, with one saved message. */
async function startWithMessage() {
  const session = start();
  await session.data('vault.create', { password: PASSWORD });
  await session.data('vault.unlock', { password: PASSWORD });
  const { id } = await session.data<{ id: string }>('messages.create', { title: 'Saved', body: 'saved text' });
  return { ...session, id };
}

const draftWith = (marker: string) => ({
  title: `For ${marker}`,
  body: `Dear ${marker}, the key is under the mat.`,
  bodyHtml: `<p>Dear <strong>${marker}</strong>, the key is under the mat.</p>`,
  recipientIds: [],
  planId: null,
  deliveryDelayMs: 0,
  status: 'active' as const,
  removeAttachmentIds: [],
});

async function filesContaining(dir: string, marker: string): Promise<string[]> {
  const hits: string[] = [];
  const needles = [
    Buffer.from(marker, 'utf8'),
    Buffer.from(marker, 'utf16le'),
    Buffer.from(marker.toLowerCase(), 'utf8'),
  ];
  for (const name of await readdir(dir)) {
    if (!name.startsWith('vault.db')) continue;
    const bytes = await readFile(join(dir, name));
    if (needles.some((n) => bytes.includes(n))) hits.push(name);
  }
  return hits;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'afterword-drafts-'));
  clock = new ManualClock(Date.UTC(2027, 0, 1));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('message drafts', () => {
  it('come back after the process ends without saving, and are in no vault file as plaintext', async () => {
    const marker = `MARKER-${randomBytes(8).toString('hex')}`;
    const first = await startWithMessage();
    const { id } = first;

    // A reader holding a snapshot keeps SQLite from checkpointing: the drafts stay in the WAL.
    const reader = new Database(join(root, 'vault', 'vault.db'), { readonly: true });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM messages').get();
      expect(await first.data('drafts.save', { messageId: null, draft: draftWith(marker) })).toEqual({
        savedAt: clock.now(),
      });
      clock.advance(60_000);
      await first.data('drafts.save', {
        messageId: id,
        draft: { ...draftWith(marker), title: `Saved, edited ${marker}` },
      });
      expect(await filesContaining(join(root, 'vault'), marker)).toEqual([]);
    } finally {
      reader.close();
    }
    await first.app.close(); // the window closed, the process ended: nothing was saved as a message

    expect(await filesContaining(join(root, 'vault'), marker)).toEqual([]);
    const second = start();
    await second.data('vault.unlock', { password: PASSWORD });
    expect(await second.data('drafts.get', { messageId: null })).toEqual({
      draft: draftWith(marker),
      savedAt: Date.UTC(2027, 0, 1),
    });
    expect(await second.data('drafts.get', { messageId: id })).toMatchObject({
      draft: { title: `Saved, edited ${marker}` },
      savedAt: Date.UTC(2027, 0, 1) + 60_000,
    });
    expect(await second.data('messages.get', { id })).toMatchObject({ title: 'Saved', body: 'saved text' });
    await second.app.close();
  });

  it('are discarded on request and with their message; refused for a message that does not exist; locked away with the vault', async () => {
    const { app, call, data, id } = await startWithMessage();
    await data('drafts.save', { messageId: null, draft: draftWith('new one') });
    await data('drafts.save', { messageId: id, draft: draftWith('edit') });

    await data('drafts.discard', { messageId: null });
    expect(await data('drafts.get', { messageId: null })).toBeNull();
    await data('messages.delete', { id });
    expect(await data('drafts.get', { messageId: id })).toBeNull();
    expect(await call('drafts.save', { messageId: id, draft: draftWith('gone') })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    expect(
      await call('drafts.save', { messageId: null, draft: { ...draftWith('x'), status: 'archived' } }),
    ).toMatchObject({ ok: false, code: 'BAD_REQUEST' });

    await data('drafts.save', { messageId: null, draft: draftWith('kept') });
    await data('vault.lock');
    expect(await call('drafts.get', { messageId: null })).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    await app.close();
  });

  it('are bound to their message: a draft moved to another message is refused as tampering', async () => {
    const { app, call, data, id } = await startWithMessage();
    await data('drafts.save', { messageId: null, draft: draftWith('meant for a new message') });
    const sqlite = app.vaultOrThrow().db.sqlite;
    sqlite
      .prepare(
        `INSERT INTO drafts (slot, content, updated_at) SELECT ?, content, updated_at FROM drafts WHERE slot = 'new'`,
      )
      .run(id);
    expect(await call('drafts.get', { messageId: id })).toMatchObject({ ok: false, code: 'INTEGRITY' });
    await app.close();
  });
});
