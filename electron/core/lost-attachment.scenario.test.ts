// An attachment's file lost long before the plan fires: the daily integrity pass says so at once
// (status, the owner on every channel), and when nobody acts the message still goes out, without
// that attachment and saying so, instead of failing for five days and never arriving.
import { rm, writeFile, readFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS } from '../../shared/durations.js';
import { lostAttachmentLine } from './delivery/content-resolver.js';
import { SETTINGS } from './delivery/owner-settings.js';
import { generateWebhookSecret } from './delivery/webhook-secret.js';
import { createEngine, type Engine } from './engine.js';
import { INTEGRITY_CHECKED_ACTION } from './schedule/integrity-pass.js';
import { readStatus } from './schedule/status.js';
import { parseMail, startSmtpServer, type TestSmtpServer } from './test-support/smtp-server.js';
import { bytesOf, createTestVault, type TestVault } from './test-support/vault-fixture.js';
import { ON_OWN_NETWORK, startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function world(): Promise<{ tv: TestVault; smtp: TestSmtpServer; hooks: WebhookReceiver }> {
  const tv = await createTestVault({ prefix: 'afterword-lost-' });
  const smtp = await startSmtpServer();
  const hooks = await startWebhookReceiver();
  cleanups.push(
    () => tv.dispose(),
    () => smtp.close(),
    () => hooks.close(),
  );
  return { tv, smtp, hooks };
}

/** Nobody checks in: the plan escalates until the message is sent; Anna's one mail. */
async function deliveredToAnna(tv: TestVault, smtp: TestSmtpServer, engine: Engine, messageId: string) {
  const { services, clock } = tv;
  for (let i = 0; i < 200 && services.messages.get(messageId).status !== 'sent'; i++) {
    clock.advance(15 * MINUTE_MS);
    await engine.runOnce('test');
  }
  expect(services.messages.get(messageId).status).toBe('sent');
  const toAnna = smtp.received.filter((m) => m.to.includes('anna@example.org'));
  expect(toAnna).toHaveLength(1);
  return parseMail(toAnna[0]!);
}

it('a lost and a damaged attachment: reported the day they are found, and the letter still delivered without them', async () => {
  const { tv, smtp, hooks } = await world();
  const { services, clock } = tv;
  services.settings.set(SETTINGS.owner, { email: 'owner@example.org', name: 'Jo' });
  services.settings.set(SETTINGS.smtp, {
    host: '127.0.0.1',
    port: smtp.port,
    tls: 'none',
    user: null,
    password: null,
    from: 'afterword@example.org',
  });
  const secret = generateWebhookSecret();
  services.webhooks.add('phone', `${hooks.base}/owner`, secret, ON_OWN_NETWORK);
  hooks.setSecret('/owner', secret);
  const level = { waitMs: 10 * MINUTE_MS, channels: ['email' as const] };
  const plan = services.plans.create({
    name: 'Family',
    intervalMs: DAY_MS,
    levels: [level, level, level, level, level],
  });
  const anna = services.recipients.add({ type: 'email', name: 'Anna', contact: 'anna@example.org' });
  const kept = await services.messages.attachments.stage(bytesOf(Buffer.from('the deeds')), 'deeds.txt');
  const lost = await services.messages.attachments.stage(bytesOf(Buffer.from('a photo')), 'photo.jpg');
  const cut = await services.messages.attachments.stage(bytesOf(Buffer.alloc(200 * 1024, 7)), 'video.mp4');
  const messageId = services.messages.create({
    title: 'For Anna',
    body: 'Dear Anna,\n',
    planId: plan.id,
    recipientIds: [anna.id],
    attachments: [kept, lost, cut],
  });
  await rm(services.messages.attachments.blobPath(lost.id));
  const blob = await readFile(services.messages.attachments.blobPath(cut.id));
  await writeFile(services.messages.attachments.blobPath(cut.id), blob.subarray(0, blob.length - 100));

  const engine = createEngine(services, { clock });
  cleanups.push(() => engine.close());
  await engine.runOnce('test');

  // Found on the first pass, long before the plan fires.
  const problems = readStatus(services, engine.outbox, clock.now()).problems.filter(
    (p) => p.code === 'ATTACHMENT_DAMAGED',
  );
  expect(problems.map((p) => p.params.attachmentId).sort()).toEqual([cut.id, lost.id].sort());
  const notices = tv.vault.db.sqlite
    .prepare(
      `SELECT channel FROM outbox WHERE kind = 'notice' AND idempotency_key LIKE 'notice:integrity:%' ORDER BY channel`,
    )
    .pluck()
    .all();
  expect(notices).toEqual(['desktop', 'desktop', 'email', 'email', 'webhook:phone', 'webhook:phone']);
  const checkedRows = () =>
    tv.vault.db.sqlite.prepare('SELECT count(*) FROM audit_log WHERE action = ?').pluck().get(INTEGRITY_CHECKED_ACTION);
  expect(checkedRows()).toBe(1);
  await engine.runOnce('test');
  expect(checkedRows()).toBe(1); // once a day

  // Nobody acts: the plan escalates and delivers.
  const mail = await deliveredToAnna(tv, smtp, engine, messageId);
  expect(mail.attachments.map((a) => a.filename)).toEqual(['deeds.txt']);
  expect(mail.text).toContain(lostAttachmentLine('photo.jpg'));
  expect(mail.text).toContain(lostAttachmentLine('video.mp4'));
  const told = tv.vault.db.sqlite
    .prepare(`SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'notice:lost-attachment:%'`)
    .pluck()
    .get();
  expect(told).toBe(6); // two attachments × desktop, e-mail, webhook
  expect(checkedRows()).toBeGreaterThanOrEqual(1);
});

it('an attachment damaged after the daily check (same size, one flipped byte): the send that reads it records it, and the letter goes without it', async () => {
  const { tv, smtp } = await world();
  const { services, clock } = tv;
  services.settings.set(SETTINGS.owner, { email: 'owner@example.org', name: 'Jo' });
  services.settings.set(SETTINGS.smtp, {
    host: '127.0.0.1',
    port: smtp.port,
    tls: 'none',
    user: null,
    password: null,
    from: 'afterword@example.org',
  });
  const level = { waitMs: 10 * MINUTE_MS, channels: ['email' as const] };
  const plan = services.plans.create({
    name: 'Family',
    intervalMs: DAY_MS,
    levels: [level, level, level, level, level],
  });
  const anna = services.recipients.add({ type: 'email', name: 'Anna', contact: 'anna@example.org' });
  const kept = await services.messages.attachments.stage(bytesOf(Buffer.from('the deeds')), 'deeds.txt');
  const scan = await services.messages.attachments.stage(bytesOf(Buffer.alloc(200 * 1024, 7)), 'scan.pdf');
  const messageId = services.messages.create({
    title: 'For Anna',
    body: 'Dear Anna,\n',
    planId: plan.id,
    recipientIds: [anna.id],
    attachments: [kept, scan],
  });

  const engine = createEngine(services, { clock });
  cleanups.push(() => engine.close());
  await engine.runOnce('test'); // the day's check: all well
  expect(
    readStatus(services, engine.outbox, clock.now()).problems.filter((p) => p.code === 'ATTACHMENT_DAMAGED'),
  ).toEqual([]);
  const path = services.messages.attachments.blobPath(scan.id);
  const blob = await readFile(path);
  blob[blob.length >> 1]! ^= 1;
  await writeFile(path, blob);

  const mail = await deliveredToAnna(tv, smtp, engine, messageId);
  expect(mail.attachments.map((a) => a.filename)).toEqual(['deeds.txt']);
  expect(mail.text).toContain(lostAttachmentLine('scan.pdf'));
  const problems = readStatus(services, engine.outbox, clock.now()).problems.filter(
    (p) => p.code === 'ATTACHMENT_DAMAGED',
  );
  expect(problems.map((p) => p.params.attachmentId)).toEqual([scan.id]);
  const told = tv.vault.db.sqlite
    .prepare(`SELECT channel FROM outbox WHERE idempotency_key LIKE 'notice:integrity:${scan.id}%'`)
    .pluck()
    .all();
  expect(told).toContain('email');
});
