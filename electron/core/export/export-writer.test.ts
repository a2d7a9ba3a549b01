// The export writer against a real vault: decrypted by the age-encryption package and by the stock
// age binary (X25519 key and passphrase), unpacked by the system's tar, compared with the vault.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultPlanSpec } from '../../../shared/plans.js';
import {
  ageBinaryMissing,
  decryptWithAgeBinary,
  decryptWithPackage,
  expectExportMatchesVault,
  untar,
} from '../test-support/age-export.js';
import { findMarker } from '../test-support/marker-scan.js';
import { bytesOf, createTestVault, type TestVault } from '../test-support/vault-fixture.js';
import { ConflictError, BadRequestError, IntegrityError } from '../errors.js';
import { writeExport } from './export-writer.js';
import { PassphraseRecipient } from './passphrase-recipient.js';

let t: TestVault;
let work: string;
let identity: string;
let recipient: string;
const marker = `MARKER-${randomBytes(8).toString('hex')}`;
const photo = Buffer.concat([randomBytes(200_000), Buffer.from(marker)]);
const PASSPHRASE = 'a long passphrase, 4 words';
let attachmentIds: string[] = [];

/** Every kind of content: HTML or not, a draft, odd titles and file names, both recipient kinds, two plans. */
async function fill(v: TestVault): Promise<void> {
  const { messages, recipients, plans } = v.services;
  const alex = recipients.add({ type: 'email', name: `Alex ${marker}`, contact: 'alex@example.org' });
  const hook = recipients.add(
    { type: 'webhook', name: '亚历 (phone)', contact: 'https://ntfy.example.org/alex' },
    { allowPrivateNetwork: false },
  );
  const weekly = plans.create({ ...defaultPlanSpec(), name: 'Weekly' });
  const stage = (bytes: Uint8Array, name: string) => messages.attachments.stage(bytesOf(bytes), name);
  const staged = [
    await stage(photo, 'photo.jpg'),
    await stage(Buffer.from('second file'), 'photo.jpg'),
    await stage(Buffer.from(`${marker} in a note`), '../../etc/passwd'),
    await stage(new Uint8Array(0), 'empty.bin'),
    await stage(randomBytes(5000), `${'名'.repeat(70)}.pdf`),
  ];
  attachmentIds = staged.map((s) => s.id);
  messages.create({
    title: `For Alex / ${marker}`,
    body: `Dear Alex,\n${marker}\n`,
    bodyHtml: `<p>Dear <strong>Alex</strong>, ${marker}</p>`,
    recipientIds: [alex.id, hook.id],
    attachments: staged.slice(0, 3),
  });
  v.clock.advance(1000);
  messages.create({ title: '..', body: 'a draft', status: 'draft', planId: weekly.id, attachments: staged.slice(3) });
  v.clock.advance(1000);
  messages.create({ title: '给家人的信', body: '你好\n', recipientIds: [hook.id] });
}

beforeAll(async () => {
  t = await createTestVault({ prefix: 'afterword-export-' });
  work = await mkdtemp(join(tmpdir(), 'afterword-export-work-'));
  await fill(t);
  identity = await generateX25519Identity();
  recipient = await identityToRecipient(identity);
}, 60_000);

afterAll(async () => {
  await t.dispose();
  await rm(work, { recursive: true, force: true });
});

/** Decrypted files go to `plain`, removed after each test (they are plaintext, as they should be). */
const plain = (): string => join(work, 'plain');
afterEach(() => rm(plain(), { recursive: true, force: true }));

async function unpacked(tar: Uint8Array | string, label: string): Promise<Map<string, Buffer>> {
  const tarFile = typeof tar === 'string' ? tar : join(plain(), `${label}.tar`);
  if (typeof tar !== 'string') {
    await mkdir(plain(), { recursive: true });
    await writeFile(tarFile, tar);
  }
  return untar(tarFile, join(plain(), label));
}

describe('the export writer', { timeout: 120_000 }, () => {
  it('writes a 0600 age file for an X25519 recipient that the package opens, holding everything in the vault', async () => {
    const out = join(work, 'x25519.tar.age');
    const written = await writeExport(t.services, { recipient }, out, { now: t.clock.now() });
    expect(written).toMatchObject({ path: out, messages: 3, attachments: 5, size: (await stat(out)).size });
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect((await readdir(work)).filter((n) => n.includes('x25519'))).toEqual(['x25519.tar.age']); // no temporary file left beside it
    expect(await findMarker(out, marker)).toEqual([]);
    const files = await unpacked(await decryptWithPackage(out, { identity }), 'x25519-package');
    expect(await expectExportMatchesVault(files, t.services)).toEqual({ messages: 3, attachments: 5 });
    // Names are made safe: no climbing out of the folder, no separators in a title.
    const paths = [...files.keys()];
    expect(paths.every((p) => p.startsWith('afterword-export/') && !p.split('/').includes('..'))).toBe(true);
    expect(paths).toContain(`afterword-export/messages/001 For Alex _ ${marker}/attachments/photo (2).jpg`);
    expect(paths).toContain(`afterword-export/messages/001 For Alex _ ${marker}/attachments/_.._etc_passwd`);
  });

  it('writes an age file for a passphrase that the package opens, and not with another passphrase', async () => {
    const out = join(work, 'passphrase.tar.age');
    await writeExport(t.services, { passphrase: PASSPHRASE }, out, { now: t.clock.now() });
    const files = await unpacked(await decryptWithPackage(out, { passphrase: PASSPHRASE }), 'passphrase-package');
    await expectExportMatchesVault(files, t.services);
    await expect(decryptWithPackage(out, { passphrase: 'another passphrase' })).rejects.toThrow();
  });

  it('is opened by the stock age binary, with the X25519 key and with the passphrase', async (ctx) => {
    const missing = ageBinaryMissing();
    if (missing) {
      // eslint-disable-next-line no-console -- the reason for the skip belongs in the test output
      console.warn(`skipped: ${missing}`);
      ctx.skip();
    }
    for (const [label, key] of [
      ['age-x25519', { identity }],
      ['age-passphrase', { passphrase: PASSPHRASE }],
    ] as const) {
      const out = join(work, `${label}.tar.age`);
      await writeExport(t.services, 'identity' in key ? { recipient } : key, out, { now: t.clock.now() });
      await mkdir(plain(), { recursive: true });
      const tar = join(plain(), `${label}.tar`);
      await decryptWithAgeBinary(out, tar, key, plain());
      await expectExportMatchesVault(await unpacked(tar, label), t.services);
    }
  });

  it('leaves no plaintext in the vault folder or in tmp while it writes, nor afterwards', async () => {
    const since = Date.now() - 1000;
    const out = join(work, 'scan.tar.age');
    const store = t.services.messages.attachments;
    const read = store.read.bind(store);
    let scannedMidway: string[] | null = null;
    // Halfway through the first attachment (the one ending in the marker): look at every file.
    store.read = async function* (id: string) {
      let first = true;
      for await (const chunk of read(id)) {
        yield chunk;
        if (first && id === attachmentIds[0]) {
          first = false;
          scannedMidway = [
            ...(await findMarker(t.vault.dir, marker)),
            ...(await findMarker(work, marker)),
            ...(await findMarker(tmpdir(), marker, { modifiedSince: since })),
          ];
        }
      }
    };
    try {
      await writeExport(t.services, { recipient }, out, { now: t.clock.now() });
    } finally {
      store.read = read;
    }
    expect(scannedMidway).toEqual([]);
    expect(await findMarker(t.vault.dir, marker)).toEqual([]);
    expect(await findMarker(tmpdir(), marker, { modifiedSince: since })).toEqual([]);
  });

  it('refuses to replace an existing file, a malformed recipient, and leaves nothing behind', async () => {
    const out = join(work, 'exists.age');
    await writeFile(out, 'mine');
    await expect(writeExport(t.services, { recipient }, out, { now: t.clock.now() })).rejects.toThrow(ConflictError);
    const bad = `${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}`; // a broken checksum
    await expect(writeExport(t.services, { recipient: bad }, join(work, 'bad.age'), { now: 0 })).rejects.toThrow(
      BadRequestError,
    );
    expect((await readdir(work)).filter((n) => n.includes('exists') || n.includes('bad'))).toEqual(['exists.age']);
  });

  it('refuses a vault whose attachment is missing or damaged, naming it, and writes no file', async () => {
    const v = await createTestVault({ prefix: 'afterword-export-damaged-' });
    try {
      const { messages } = v.services;
      const kept = await messages.attachments.stage(bytesOf(randomBytes(300_000)), 'kept.bin');
      messages.create({ title: 'damaged', body: 'x', attachments: [kept] });
      const out = join(v.root, 'damaged.age');
      const blob = messages.attachments.blobPath(kept.id);
      // Cut short: seen before anything is written.
      await truncate(blob, 1000);
      await expect(writeExport(v.services, { recipient }, out, { now: 0 })).rejects.toThrow(/kept\.bin.*cut short/);
      expect(await readdir(v.root)).toEqual(['vault']);
      // A flipped byte, same size: seen while it is written; the partial file is removed.
      const restaged = await messages.attachments.stage(bytesOf(randomBytes(300_000)), 'flipped.bin');
      messages.create({ title: 'flipped', body: 'y', attachments: [restaged] });
      await rm(blob);
      messages.remove(messages.list().items.find((m) => m.title === 'damaged')!.id);
      const { open } = await import('node:fs/promises');
      const handle = await open(messages.attachments.blobPath(restaged.id), 'r+');
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, 200_000);
      await handle.write(Buffer.from([byte[0]! ^ 1]), 0, 1, 200_000);
      await handle.close();
      await expect(writeExport(v.services, { recipient }, out, { now: 0 })).rejects.toThrow(IntegrityError);
      expect(await readdir(v.root)).toEqual(['vault']);
    } finally {
      await v.dispose();
    }
  });

  it('runs the passphrase scrypt off the main thread', async () => {
    let mainThreadRan = false;
    setImmediate(() => (mainThreadRan = true));
    // On this thread the derivation would finish before the event loop turns; on a worker, it does not.
    const stanzas = await new PassphraseRecipient(PASSPHRASE).wrapFileKey(randomBytes(16));
    expect(mainThreadRan).toBe(true);
    expect(stanzas[0]!.args).toEqual(['scrypt', expect.stringMatching(/^[A-Za-z0-9+/]{22}$/), '18']);
  });
});
