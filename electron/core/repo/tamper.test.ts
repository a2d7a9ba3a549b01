import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BLOB_HEADER_BYTES, BLOB_SEALED_CHUNK_BYTES } from '../crypto/blob-format.js';
import { BlobChunkTamperedError, BlobTruncatedError, FieldTamperedError } from '../crypto/crypto-errors.js';
import { IntegrityError } from '../errors.js';
import type { VaultServices } from '../services.js';
import { runDoctor } from '../vault/doctor.js';
import type { Vault } from '../vault/vault.js';
import type { StagedAttachment } from './attachments.js';
import { VaultTemplate, type TestVault } from './test-support/vault-template.js';

const T0 = Date.UTC(2025, 5, 1);

let template: VaultTemplate;
let current: TestVault;
let vault: Vault;
let services: VaultServices;

/** The fixture: what was written, so that every read can be compared with it. */
interface Fixture {
  msgs: { id: string; title: string; body: string }[];
  rcps: { id: string; name: string; contact: string }[];
  /** Attachment id → plaintext. big1 and big2 are > 128 KiB (4 chunks); small is one chunk. */
  blobs: Map<string, Buffer>;
  big1: StagedAttachment;
  big2: StagedAttachment;
  small: StagedAttachment;
}
let fx: Fixture;

async function* pieces(data: Uint8Array, size = 30_000): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

beforeAll(async () => {
  template = await VaultTemplate.create(T0);
});
afterAll(async () => {
  await template.dispose();
});

beforeEach(async () => {
  current = await template.copy(T0);
  ({ vault, services } = current);
  const { messages, recipients } = services;

  const ana = recipients.add({ type: 'email', name: 'Ana Lima', contact: 'ana.lima@example.org' });
  const bo = recipients.add({ type: 'email', name: 'Bo Chen', contact: 'bo.chen@example.org' });
  const hook = recipients.add({ type: 'webhook', name: 'Family relay', contact: 'https://relay.example.org/h/1' });

  const blobs = new Map<string, Buffer>();
  const stage = async (size: number, name: string): Promise<StagedAttachment> => {
    const data = randomBytes(size);
    const staged = await messages.attachments.stage(pieces(data), name);
    blobs.set(staged.id, data);
    return staged;
  };
  const big1 = await stage(200_000, 'video-for-kids.mp4');
  const big2 = await stage(3 * 65536 + 1, 'scans.zip');
  const small = await stage(1234, 'passwords.txt');

  const specs = [
    {
      title: 'Letter to Ana',
      body: 'Dear Ana, the deeds are in the safe.',
      recipientIds: [ana.id],
      attachments: [big1],
    },
    { title: 'For Bo', body: 'Bo — the bank PIN is 4821.', recipientIds: [bo.id, hook.id], attachments: [big2, small] },
    { title: 'Instructions', body: 'Water the plants.', recipientIds: [hook.id] },
    { title: 'Draft without anyone', body: 'nothing yet' },
  ];
  const msgs = specs.map((spec) => ({ id: messages.create(spec), title: spec.title, body: spec.body }));
  fx = {
    msgs,
    rcps: [ana, bo, hook].map(({ id, name, contact }) => ({ id, name, contact })),
    blobs,
    big1,
    big2,
    small,
  };
});

afterEach(async () => {
  await current.dispose();
});

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

async function readBlob(id: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of services.messages.attachments.read(id)) parts.push(chunk);
  return Buffer.concat(parts);
}

async function readFailure(id: string): Promise<Error> {
  try {
    await readBlob(id);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected reading attachment ${id} to fail`);
}

/** Every message, recipient and attachment not named in `damaged` still reads back exactly. */
async function expectRestIntact(damaged: Set<string>): Promise<void> {
  for (const m of fx.msgs.filter((m) => !damaged.has(m.id))) {
    const got = services.messages.get(m.id);
    expect(got, m.id).toMatchObject({ title: m.title, body: m.body });
  }
  for (const r of fx.rcps.filter((r) => !damaged.has(r.id))) {
    expect(services.recipients.get(r.id)).toMatchObject({ name: r.name, contact: r.contact });
  }
  for (const [id, data] of fx.blobs) {
    if (damaged.has(id)) continue;
    expect((await readBlob(id)).equals(data), id).toBe(true);
  }
}

const sql = (text: string) => vault.db.sqlite.prepare(text);

function column(table: string, col: string, id: string): Buffer {
  return sql(`SELECT ${col} FROM ${table} WHERE id = ?`).pluck().get(id) as Buffer;
}

const blobFile = (id: string): string => services.messages.attachments.blobPath(id);
const chunkOffset = (index: number): number => BLOB_HEADER_BYTES + index * BLOB_SEALED_CHUNK_BYTES;

/** No plaintext (titles, bodies, names, addresses) in anything the doctor prints. */
function expectNoPlaintext(lines: string[]): void {
  const secrets = [...fx.msgs.flatMap((m) => [m.title, m.body]), ...fx.rcps.flatMap((r) => [r.name, r.contact])];
  for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
}

describe('tampering is detected, named, and contained', () => {
  it('an intact vault: everything reads back, the doctor finds nothing', async () => {
    await expectRestIntact(new Set());
    const report = await runDoctor(services);
    expect(report).toMatchObject({ ok: true, problems: [], warnings: [] });
    expect(report.checked).toMatchObject({ messages: 4, recipients: 3, attachments: 3 });
    expect(report.checked.auditRows).toBeGreaterThan(0);
  });

  it('swapping the title ciphertexts of two messages: both fail by name, the others stay readable', async () => {
    const [a, b] = fx.msgs;
    const titleA = column('messages', 'title', a!.id);
    const titleB = column('messages', 'title', b!.id);
    sql('UPDATE messages SET title = ? WHERE id = ?').run(titleB, a!.id);
    sql('UPDATE messages SET title = ? WHERE id = ?').run(titleA, b!.id);

    for (const m of [a!, b!]) {
      const error = thrown(() => services.messages.get(m.id));
      expect(error).toBeInstanceOf(FieldTamperedError);
      expect(error).toMatchObject({ table: 'messages', column: 'title', rowId: m.id, code: 'INTEGRITY' });
      expect(error.message).toContain(`messages.title of row ${m.id}`);
    }
    await expectRestIntact(new Set([a!.id, b!.id]));

    const report = await runDoctor(services);
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(2);
    expect(report.problems.sort()).toEqual(
      [a!.id, b!.id].sort().map((id) => expect.stringMatching(new RegExp(`^messages\\.title of ${id}: `))),
    );
    expectNoPlaintext(report.problems);
  });

  it('copying a title into body_text of the same row fails', async () => {
    const m = fx.msgs[2]!;
    sql('UPDATE messages SET body_text = title WHERE id = ?').run(m.id);
    const error = thrown(() => services.messages.get(m.id));
    expect(error).toBeInstanceOf(FieldTamperedError);
    expect(error).toMatchObject({ table: 'messages', column: 'body_text', rowId: m.id });
    await expectRestIntact(new Set([m.id]));
    const report = await runDoctor(services);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(new RegExp(`^messages\\.body_text of ${m.id}: `))]);
  });

  it('a value moved to the same column of another table fails (table is bound too)', async () => {
    const r = fx.rcps[0]!;
    const m = fx.msgs[3]!;
    // Both ids differ, so also move the row id: re-key the recipient under the message's id.
    sql(`INSERT INTO recipients (id, type, name, contact, created_at, updated_at) VALUES (?, 'email', ?, ?, 1, 1)`).run(
      m.id,
      column('messages', 'title', m.id),
      column('recipients', 'contact', r.id),
    );
    const error = thrown(() => services.recipients.get(m.id));
    expect(error).toBeInstanceOf(FieldTamperedError);
    expect(error).toMatchObject({ table: 'recipients', rowId: m.id });
  });

  it('one flipped byte in a recipient contact fails, and so does the message that goes to it', async () => {
    const ana = fx.rcps[0]!;
    const contact = Buffer.from(column('recipients', 'contact', ana.id));
    contact[contact.length - 5]! ^= 0x10;
    sql('UPDATE recipients SET contact = ? WHERE id = ?').run(contact, ana.id);

    const error = thrown(() => services.recipients.get(ana.id));
    expect(error).toBeInstanceOf(FieldTamperedError);
    expect(error).toMatchObject({ table: 'recipients', column: 'contact', rowId: ana.id });
    expect(thrown(() => services.messages.get(fx.msgs[0]!.id))).toBeInstanceOf(FieldTamperedError);
    await expectRestIntact(new Set([ana.id, fx.msgs[0]!.id]));

    const report = await runDoctor(services);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringMatching(new RegExp(`^recipients\\.contact of ${ana.id}: .*failed authentication`)),
    ]);
    expectNoPlaintext(report.problems);
  });

  it('the doctor lists every damaged row at once, and only those', async () => {
    const [m0, m1, m2] = fx.msgs;
    sql('UPDATE messages SET body_text = title WHERE id = ?').run(m0!.id);
    const name = Buffer.from(column('recipients', 'name', fx.rcps[2]!.id));
    name[0]! ^= 0xff; // the envelope version byte
    sql('UPDATE recipients SET name = ? WHERE id = ?').run(name, fx.rcps[2]!.id);
    const attName = Buffer.from(column('attachments', 'name', fx.small.id));
    attName[20]! ^= 0x01; // inside the nonce
    sql('UPDATE attachments SET name = ? WHERE id = ?').run(attName, fx.small.id);
    sql('UPDATE messages SET title = ? WHERE id = ?').run(Buffer.from([1, 1, 0, 0]), m2!.id); // too short

    const report = await runDoctor(services);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.split(':')[0]).sort()).toEqual(
      [
        `messages.body_text of ${m0!.id}`,
        `messages.title of ${m2!.id}`,
        `recipients.name of ${fx.rcps[2]!.id}`,
        `attachments.name of ${fx.small.id}`,
      ].sort(),
    );
    // m1 goes to the damaged recipient and carries the damaged attachment name.
    expect(thrown(() => services.messages.get(m1!.id))).toBeInstanceOf(IntegrityError);
    expect(thrown(() => services.messages.attachments.listFor(m1!.id))).toBeInstanceOf(FieldTamperedError);
    expect(services.messages.get(fx.msgs[3]!.id).title).toBe(fx.msgs[3]!.title);
    expectNoPlaintext(report.problems);
  });
});

describe('tampered attachment blobs', () => {
  it('a flipped byte inside a chunk → BlobChunkTamperedError naming the chunk; the doctor reports it', async () => {
    const file = blobFile(fx.big1.id);
    const bytes = await readFile(file);
    bytes[chunkOffset(1) + 1000]! ^= 0x01;
    await writeFile(file, bytes);

    const error = await readFailure(fx.big1.id);
    expect(error).toBeInstanceOf(BlobChunkTamperedError);
    expect(error).toMatchObject({ chunkIndex: 1, code: 'INTEGRITY' });
    expect(error.message).toContain(`encrypted blob ${fx.big1.id}: chunk 1 failed authentication`);
    await expectRestIntact(new Set([fx.big1.id]));

    const report = await runDoctor(services);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([`attachment ${fx.big1.id} of message ${fx.msgs[0]!.id}: ${error.message}`]);
  });

  it('a flipped byte in the header (key id / salt) fails too', async () => {
    const file = blobFile(fx.small.id);
    const bytes = await readFile(file);
    bytes[20]! ^= 0x01; // inside the salt
    await writeFile(file, bytes);
    const error = await readFailure(fx.small.id);
    expect(error).toBeInstanceOf(IntegrityError);
    await expectRestIntact(new Set([fx.small.id]));
    expect((await runDoctor(services)).problems).toEqual([
      expect.stringMatching(new RegExp(`^attachment ${fx.small.id} of message `)),
    ]);
  });

  it('the last chunk cut off → BlobTruncatedError; cut short inside → chunk error; both reported', async () => {
    const file1 = blobFile(fx.big1.id); // 200 000 bytes: 3 full chunks + a final one
    await truncate(file1, chunkOffset(3));
    const cut = await readFailure(fx.big1.id);
    expect(cut).toBeInstanceOf(BlobTruncatedError);
    expect(cut.message).toMatch(/truncated: it ends after chunk 2, which is not the final chunk/);

    const file2 = blobFile(fx.big2.id); // 3 full chunks + a 1-byte final chunk
    const size2 = (await readFile(file2)).length;
    await truncate(file2, size2 - 5);
    const short = await readFailure(fx.big2.id);
    expect(short).toBeInstanceOf(IntegrityError);
    expect(short.message).toContain(fx.big2.id);

    await expectRestIntact(new Set([fx.big1.id, fx.big2.id]));
    const report = await runDoctor(services);
    expect(report.ok).toBe(false);
    expect(report.problems.sort()).toEqual(
      [
        `attachment ${fx.big1.id} of message ${fx.msgs[0]!.id}: ${cut.message}`,
        `attachment ${fx.big2.id} of message ${fx.msgs[1]!.id}: ${short.message}`,
      ].sort(),
    );
  });

  it('two chunks swapped → BlobChunkTamperedError at the first of them', async () => {
    const file = blobFile(fx.big1.id);
    const bytes = await readFile(file);
    const c0 = Buffer.from(bytes.subarray(chunkOffset(0), chunkOffset(1)));
    const c1 = Buffer.from(bytes.subarray(chunkOffset(1), chunkOffset(2)));
    c1.copy(bytes, chunkOffset(0));
    c0.copy(bytes, chunkOffset(1));
    await writeFile(file, bytes);

    const error = await readFailure(fx.big1.id);
    expect(error).toBeInstanceOf(BlobChunkTamperedError);
    expect(error).toMatchObject({ chunkIndex: 0 });
    await expectRestIntact(new Set([fx.big1.id]));
    const report = await runDoctor(services);
    expect(report.problems).toEqual([`attachment ${fx.big1.id} of message ${fx.msgs[0]!.id}: ${error.message}`]);
  });

  it('two blob files swapped → both fail (each blob is bound to its id)', async () => {
    const a = await readFile(blobFile(fx.big1.id));
    const b = await readFile(blobFile(fx.big2.id));
    await writeFile(blobFile(fx.big1.id), b);
    await writeFile(blobFile(fx.big2.id), a);
    expect(await readFailure(fx.big1.id)).toBeInstanceOf(BlobChunkTamperedError);
    expect(await readFailure(fx.big2.id)).toBeInstanceOf(BlobChunkTamperedError);
    await expectRestIntact(new Set([fx.big1.id, fx.big2.id]));
    expect((await runDoctor(services)).problems).toHaveLength(2);
  });

  it('a missing blob file and a stray one: the doctor reports the first, warns about the second', async () => {
    await rm(blobFile(fx.small.id));
    await writeFile(join(vault.blobsDir, 'att_zzzzzzzzzzzzzzzz'), 'junk', { mode: 0o600 });
    await writeFile(join(vault.blobsDir, 'att_yyyyyyyyyyyyyyyy.tmp-0123456789abcdef'), 'half', { mode: 0o600 });
    const report = await runDoctor(services);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      `attachment ${fx.small.id} of message ${fx.msgs[1]!.id}: its blob file is missing`,
    ]);
    expect(report.warnings.sort()).toEqual([
      'blobs/att_yyyyyyyyyyyyyyyy.tmp-0123456789abcdef: an interrupted write (safe to delete)',
      'blobs/att_zzzzzzzzzzzzzzzz: belongs to no attachment (left by an interrupted add or delete)',
    ]);
    await expectRestIntact(new Set([fx.small.id]));
  });

  it('a size column that disagrees with the blob is reported', async () => {
    sql('UPDATE attachments SET size = size + 1 WHERE id = ?').run(fx.small.id);
    const report = await runDoctor(services);
    expect(report.problems).toEqual([`attachment ${fx.small.id}: 1234 bytes, expected 1235`]);
  });
});
