// The standby takes over, black-box: a primary `afterword serve` with backups to a bucket that
// honours conditional writes (s3rver), a standby `afterword serve --standby` paired with it, a real
// SMTP server on loopback and the test clock in both processes. The primary sends warnings 1 and
// 2 (its snapshots pushed) and is killed with SIGKILL; once the standby's clock has passed the
// lease's TTL and margin it takes over and sends warnings 3 to 5 on the same schedule, then the
// delivery, each exactly once, with the Message-IDs the primary would have used.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../shared/durations.js';
import { SETTINGS } from '../../core/delivery/owner-settings.js';
import { stableMessageId } from '../../core/delivery/email-sender.js';
import { createEngine, initializeVaultContent } from '../../core/engine.js';
import { createVaultServices } from '../../core/services.js';
import { STANDBY_TOOK_OVER_ACTION } from '../../core/standby/takeover-vault.js';
import { ManualClock } from '../../core/test-support/manual-clock.js';
import { Vault } from '../../core/vault/vault.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { SCRYPT } from '../runner/test-support/runner-fixture.js';
import { S3RVER_ENV, useCliS3rver } from './test-support/cli-s3rver.js';
import { CliVault, TempDirs, describeResult, parseJsonStdout } from './test-support/run-cli.js';
import { eventually, health, moveClock, startServe, type ServeChild } from './test-support/serve-child.js';
import { SmtpSink, type ReceivedMail } from './test-support/smtp-sink.js';

const temp = new TempDirs();
const s3 = useCliS3rver({ conditionalWrites: true });
const smtp = new SmtpSink();
const T0 = Date.UTC(2031, 5, 1, 8, 0, 0);
const OWNER = 'owner@example.org';
const KIN = 'kin@example.org';
const PREFIX = 'takeover';
const fakeAt = (at: number) => ({ AFTERWORD_ALLOW_FAKE_CLOCK: '1', AFTERWORD_FAKE_NOW: new Date(at).toISOString() });

beforeAll(() => smtp.start());
afterAll(async () => {
  await smtp.stop();
  await temp.cleanup();
});

/** The primary's vault, made in process: e-mail warnings a day apart, one message for Kin, armed at T0. */
async function primaryVault(): Promise<CliVault> {
  const cli = await CliVault.create(temp, 'takeover-primary');
  const clock = new ManualClock(T0);
  const { vault } = await Vault.create(cli.dir, cli.password, { clock, scrypt: SCRYPT });
  try {
    const services = createVaultServices(vault, clock);
    initializeVaultContent(services);
    services.settings.set(SETTINGS.owner, { email: OWNER, name: null });
    services.settings.set(SETTINGS.smtp, {
      host: '127.0.0.1',
      port: smtp.port,
      tls: 'none',
      user: null,
      password: null,
      from: 'afterword@example.org',
    });
    const level = { waitMs: DAY_MS, channels: ['email' as const] };
    const planId = services.plans.create({
      name: 'Daily',
      intervalMs: DAY_MS,
      levels: [level, level, level, level, level],
    }).id;
    const kin = services.recipients.add({ type: 'email', name: 'Kin', contact: KIN }).id;
    services.messages.create({ title: 'Goodbye', body: 'Thank you for everything.', recipientIds: [kin], planId });
    const engine = createEngine(services, { clock });
    try {
      await engine.runOnce('test'); // armed: the interval runs from T0
    } finally {
      await engine.close();
    }
    await vault.enableDeviceKey(new FileKeyStore(cli.keyDir));
  } finally {
    await vault.close();
  }
  return cli;
}

const warningLevel = (mail: ReceivedMail): number | null => {
  const match = /^warning:[^:]+:\d+:(\d):email$/.exec(mail.idempotencyKey ?? '');
  return match ? Number(match[1]) : null;
};
const warningsSent = (): number[] => smtp.mails.map(warningLevel).filter((level): level is number => level !== null);

async function manifests(): Promise<string[]> {
  const dir = join(s3.server.directory, s3.server.bucket, PREFIX, 'manifests');
  return (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('._S3rver_object'));
}

/**
 * Time passes on a runner, and it ticks twice: a plan moves one step per tick (a sent warning
 * becomes "waiting" on the tick after it went out, the next level on a later one).
 */
async function pass(url: string, ms: number, headers: Record<string, string> = {}): Promise<number> {
  await moveClock(url, { advanceMs: ms }, headers);
  return (await moveClock(url, { advanceMs: 0 }, headers)).now;
}

async function leaseInBucket(): Promise<{ holder: { name: string }; epoch: number }> {
  return JSON.parse(await readFile(s3.server.objectFile(`${PREFIX}/standby/lease`), 'utf8'));
}

async function claimsInBucket(): Promise<number> {
  const dir = join(s3.server.directory, s3.server.bucket, PREFIX, 'standby', 'claims');
  return (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('._S3rver_object')).length;
}

/** The status of a warning's row in the standby's followed copy (null before it is there). */
function followedWarning(standby: CliVault, level: number): string | null {
  const file = join(standby.dir, 'follow', 'vault.db');
  if (!existsSync(file)) return null;
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare(`SELECT status FROM outbox WHERE kind = 'warning' AND level = ?`).get(level) as
      { status: string } | undefined;
    return row?.status ?? null;
  } finally {
    db.close();
  }
}

interface Health {
  vault: string;
  scheduler: string;
  standby: { state: string; followed: { seq: number } | null; runner: { role: string } };
}

describe('a standby takes over from a primary that died', { timeout: 240_000 }, () => {
  it('continues the warnings where the primary stopped and delivers exactly once', async () => {
    const primary = await primaryVault();
    await primary.json(['backup', 'target', 's3', ...s3.bucketFlags(PREFIX)], { ...S3RVER_ENV, ...fakeAt(T0) });
    const { token } = await primary.json<{ token: string }>(['token', 'add', '--role', 'monitor'], fakeAt(T0));
    const bearer = { authorization: `Bearer ${token}` };

    const standby = await CliVault.create(temp, 'takeover-standby');
    const init = await standby.run(['standby', 'init', ...s3.bucketFlags(PREFIX), '--json'], S3RVER_ENV);
    expect(init.code, describeResult(init)).toBe(0);
    const { code } = parseJsonStdout<{ code: string }>(init);
    await primary.json(['standby', 'add', '--name', 'nas', '--code', code], fakeAt(T0));

    let primaryServe: ServeChild | null = await startServe(primary, [], { ...S3RVER_ENV, ...fakeAt(T0) });
    const standbyServe = await startServe(standby, ['--standby', '--lease-ttl', '1m'], {
      ...S3RVER_ENV,
      ...fakeAt(T0),
    });
    try {
      smtp.label = 'primary';
      // Warnings 1 and 2, a day apart, from the primary.
      let primaryNow = T0;
      for (const level of [1, 2]) {
        primaryNow = await pass(primaryServe.url, DAY_MS + MINUTE_MS, bearer);
        await smtp.waitFor(() => warningsSent().includes(level), 15_000);
      }
      const secondSentAt = primaryNow;
      // The change is pushed once the vault has been quiet for two minutes; the standby follows
      // it (its wall clock set to the primary's on each poll; its monotonic clock does not move).
      primaryNow = (await moveClock(primaryServe.url, { advanceMs: 3 * MINUTE_MS }, bearer)).now;
      await eventually(
        async () => {
          await moveClock(standbyServe.url, { set: new Date(primaryNow).toISOString() });
          return followedWarning(standby, 2);
        },
        (status) => status === 'sent',
        'warning 2 sent in the followed copy',
      );
      expect((await health<Health>(standbyServe.url)).standby.state).toBe('following');

      // The primary holds the lease and claimed its two warnings.
      expect((await leaseInBucket()).holder.name).not.toBe('nas');
      expect(await claimsInBucket()).toBe(2);
      await primaryServe.kill();
      primaryServe = null;
      smtp.label = 'standby';
      const pushedBefore = (await manifests()).length;

      // Silent for less than the TTL and its margin: nothing happens.
      await moveClock(standbyServe.url, { advanceMs: 0 });
      await moveClock(standbyServe.url, { advanceMs: 3 * MINUTE_MS });
      expect((await health<Health>(standbyServe.url)).standby.state).toBe('following');
      // Past the longest TTL either runner may write (12 h) and its margin: the standby takes over.
      const takenAt = (await moveClock(standbyServe.url, { advanceMs: 14 * HOUR_MS })).now;
      const active = await eventually(
        () => health<Health>(standbyServe.url),
        (h) => h.standby.state === 'active' && h.scheduler === 'running',
        'the takeover',
      );
      expect(active).toMatchObject({ vault: 'unlocked', standby: { runner: { role: 'primary' } } });
      expect(takenAt).toBeLessThan(secondSentAt + DAY_MS);
      expect(warningsSent()).toEqual([1, 2]);

      // Warning 3 waits a full day from warning 2, as on the primary; then each level a day after the last.
      const untilThird = secondSentAt + DAY_MS - takenAt;
      await pass(standbyServe.url, untilThird - 2 * MINUTE_MS, bearer);
      expect(warningsSent()).toEqual([1, 2]);
      for (const level of [3, 4, 5]) {
        await pass(standbyServe.url, level === 3 ? 3 * MINUTE_MS : DAY_MS + MINUTE_MS, bearer);
        await smtp.waitFor(() => warningsSent().includes(level), 15_000);
      }
      await pass(standbyServe.url, DAY_MS + MINUTE_MS, bearer);
      await pass(standbyServe.url, HOUR_MS, bearer);
      await smtp.waitFor((mails) => mails.some((m) => m.rcptTo.includes(KIN)), 15_000);
      await pass(standbyServe.url, HOUR_MS, bearer);

      // Each warning once, in order, levels 1–2 from the primary and 3–5 from the standby; one delivery.
      expect(warningsSent()).toEqual([1, 2, 3, 4, 5]);
      const byLabel = (label: string) =>
        smtp.mails.filter((m) => m.label === label).map((m) => warningLevel(m) ?? m.rcptTo.join());
      expect(byLabel('primary')).toEqual([1, 2]);
      expect(byLabel('standby')).toEqual([3, 4, 5, KIN]);
      const host = /@([^>]+)>$/.exec(smtp.mails[0]!.messageId!)![1];
      for (const mail of smtp.mails) expect(mail.messageId).toBe(stableMessageId(mail.idempotencyKey!, host));
      // The standby holds the lease and claimed each of its sends; nothing was pushed into the
      // primary's backup chain from it.
      expect((await leaseInBucket()).holder.name).toBe('nas');
      expect(await claimsInBucket()).toBe(6);
      expect((await manifests()).length).toBe(pushedBefore);
    } finally {
      await primaryServe?.kill();
      const exit = await standbyServe.stop();
      expect(exit.code, exit.stderr).toBe(0);
    }
    const db = new Database(join(standby.dir, 'vault.db'), { readonly: true });
    const actions = db.prepare('SELECT action FROM audit_log ORDER BY seq').pluck().all() as string[];
    db.close();
    expect(actions).toContain(STANDBY_TOOK_OVER_ACTION);
    expect(existsSync(join(standby.dir, 'follow', 'vault.db'))).toBe(true);
    expect(await standby.json(['audit', 'verify'])).toEqual({ ok: true, problems: [] });
  });
});
