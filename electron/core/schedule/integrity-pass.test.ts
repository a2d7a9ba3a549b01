import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { Outbox } from '../delivery/outbox.js';
import { bytesOf, createTestVault, type TestVault } from '../test-support/vault-fixture.js';
import { IntegrityPass, openAttachmentProblems } from './integrity-pass.js';

let tv: TestVault | null = null;
afterEach(async () => {
  await tv?.dispose();
  tv = null;
});

it('reads a sample in full: a flipped byte in a file of the right size is found; a removed attachment settles it', async () => {
  tv = await createTestVault({ prefix: 'afterword-integrity-' });
  const { services, clock, vault } = tv;
  const staged = await services.messages.attachments.stage(bytesOf(Buffer.alloc(100 * 1024, 1)), 'scan.pdf');
  const messageId = services.messages.create({ title: 'T', body: 'b', attachments: [staged] });
  const path = services.messages.attachments.blobPath(staged.id);
  const blob = await readFile(path);
  blob[blob.length >> 1] ^= 1;
  await writeFile(path, blob);

  const outbox = new Outbox(vault.db, clock);
  const pass = new IntegrityPass({ services, notices: { db: vault.db, key: vault.contentKey, outbox }, clock, random: () => 0 });
  const found = await pass.run();
  expect(found).toEqual([{ attachmentId: staged.id, messageId, problem: expect.stringMatching(/chunk|authentic|tamper/i) }]);
  expect(openAttachmentProblems(services)).toHaveLength(1);

  const { removedBlobIds } = services.messages.update(messageId, { removeAttachmentIds: [staged.id] });
  expect(removedBlobIds).toEqual([staged.id]);
  expect(openAttachmentProblems(services)).toEqual([]);
  // Nothing left to check: no pass row is written for nothing.
  expect(await pass.run()).toEqual([]);
});
