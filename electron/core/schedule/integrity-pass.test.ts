import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { forgeAuditRow } from '../test-support/forge-audit-row.js';
import { Outbox } from '../delivery/outbox.js';
import { bytesOf, createTestVault, type TestVault } from '../test-support/vault-fixture.js';
import {
  DAMAGED_PREFIX,
  INTEGRITY_CHECKED_ACTION,
  INTEGRITY_PASS_EVERY_MS,
  IntegrityPass,
  lastIntegrityPass,
  openAttachmentProblems,
} from './integrity-pass.js';

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
  blob[blob.length >> 1]! ^= 1;
  await writeFile(path, blob);

  const outbox = new Outbox(vault.db, clock);
  const pass = new IntegrityPass({
    services,
    notices: { db: vault.db, key: vault.contentKey, outbox },
    clock,
    random: () => 0,
  });
  const found = await pass.run();
  expect(found).toEqual([
    { attachmentId: staged.id, messageId, problem: expect.stringMatching(/chunk|authentic|tamper/i) },
  ]);
  expect(openAttachmentProblems(services)).toHaveLength(1);

  const { removedBlobIds } = services.messages.update(messageId, { removeAttachmentIds: [staged.id] });
  expect(removedBlobIds).toEqual([staged.id]);
  expect(openAttachmentProblems(services)).toEqual([]);
  // Nothing left to check: no pass row is written for nothing.
  expect(await pass.run()).toEqual([]);
});

it('a pass row appended without the key is not trusted, and one with an unreadable detail is ignored', async () => {
  tv = await createTestVault({ prefix: 'afterword-integrity-' });
  const { services, clock, vault } = tv;
  const staged = await services.messages.attachments.stage(bytesOf(Buffer.alloc(1024, 1)), 'scan.pdf');
  const messageId = services.messages.create({ title: 'T', body: 'b', attachments: [staged] });
  const outbox = new Outbox(vault.db, clock);
  const pass = new IntegrityPass({
    services,
    notices: { db: vault.db, key: vault.contentKey, outbox },
    clock,
    random: () => 0,
  });
  expect(await pass.run()).toEqual([]);
  const trusted = lastIntegrityPass(services);
  expect(trusted).toMatchObject({ detail: { checked: 1, problems: [] } });

  // After the seal: not written with the vault key, so it does not count.
  const forged = { checked: 1, sampled: 0, problems: [{ attachmentId: staged.id, messageId, problem: 'forged' }] };
  forgeAuditRow(vault, INTEGRITY_CHECKED_ACTION, JSON.stringify(forged));
  expect(openAttachmentProblems(services)).toEqual([]);
  expect(lastIntegrityPass(services)).toEqual(trusted);

  // The next keyed append moves the seal past such rows (recording the break): their details may be anything.
  for (const detail of ['null', '"x"', '{"checked":1,"sampled":0,"problems":[null]}', '{"checked":1}']) {
    forgeAuditRow(vault, INTEGRITY_CHECKED_ACTION, detail);
    vault.db.q.transaction(() => vault.audit.append({ action: 'settings.changed' }));
    expect(lastIntegrityPass(services)).toBeNull();
    expect(openAttachmentProblems(services)).toEqual([]);
  }
  // Due again: the pass runs and writes a readable row.
  expect(await pass.runIfDue()).toEqual([]);
  expect(lastIntegrityPass(services)).toMatchObject({ detail: { checked: 1 } });
});

it('damage found by reading stays found on the next passes, which read only a sample; the file reading whole again settles it', async () => {
  tv = await createTestVault({ prefix: 'afterword-integrity-' });
  const { services, clock, vault } = tv;
  const staged = [];
  for (let i = 0; i < 5; i++)
    staged.push(await services.messages.attachments.stage(bytesOf(Buffer.alloc(2048, i + 1)), `scan-${i}.pdf`));
  const messageId = services.messages.create({ title: 'T', body: 'b', attachments: staged });
  const last = [...staged].sort((a, b) => (a.id < b.id ? -1 : 1))[4]!; // random() = 0 samples the first three by id only
  const path = services.messages.attachments.blobPath(last.id);
  const original = await readFile(path);
  const damaged = Buffer.from(original);
  damaged[damaged.length >> 1]! ^= 1;
  await writeFile(path, damaged);

  const outbox = new Outbox(vault.db, clock);
  const pass = new IntegrityPass({
    services,
    notices: { db: vault.db, key: vault.contentKey, outbox },
    clock,
    random: () => 0,
  });
  expect(await pass.run()).toEqual([]); // not in the sample
  pass.recordFound({ attachmentId: last.id, messageId, problem: `${DAMAGED_PREFIX}a chunk failed its authentication` });
  expect(openAttachmentProblems(services).map((p) => p.attachmentId)).toEqual([last.id]);

  clock.advance(INTEGRITY_PASS_EVERY_MS + 1);
  await pass.runIfDue();
  expect(lastIntegrityPass(services)!.detail.sampled).toBe(3);
  expect(openAttachmentProblems(services).map((p) => p.attachmentId)).toEqual([last.id]);

  // Put back whole and read in full by a pass: settled.
  await writeFile(path, original);
  const readsLast = new IntegrityPass({
    services,
    notices: { db: vault.db, key: vault.contentKey, outbox },
    clock,
    random: () => 0.99,
  });
  clock.advance(INTEGRITY_PASS_EVERY_MS + 1);
  await readsLast.runIfDue();
  expect(openAttachmentProblems(services)).toEqual([]);
});
