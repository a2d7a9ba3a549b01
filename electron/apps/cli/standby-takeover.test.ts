// The standby takes over, black-box: a primary `afterword serve` with backups to a bucket that
// honours conditional writes (s3rver), a standby `afterword serve --standby` paired with it, a real
// SMTP server on loopback and the test clock in both processes. The primary sends warnings 1 and
// 2 (its snapshots pushed) and is killed with SIGKILL; once the standby's clock has passed the
// lease's TTL and margin it takes over and sends warnings 3 to 5 on the same schedule, then the
// delivery, each exactly once, with the Message-IDs the primary would have used. Or the owner
// checks in at the standby at level 4: nothing more goes out, the primary comes back, applies
// that check-in, sends nothing while the standby holds the lease and says who took over, and its
// own check-in hands the lease back. Two standbys racing for the lease, and a partition (the
// primary running, cut from the bucket) are played the same way.
import { existsSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
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
import { loopbackSmtp } from '../../core/test-support/delivery-fixture.js';
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
const fakeAt = (at: number) => ({ AFTERWORD_ALLOW_FAKE_CLOCK: '1', AFTERWORD_FAKE_NOW: new Date(at).toISOString() });

beforeAll(() => smtp.start());
afterAll(async () => {
  await smtp.stop();
  await temp.cleanup();
});

/** The primary's vault, made in process: e-mail warnings a day apart, one message for Kin, armed at T0. */
async function primaryVault(label: string): Promise<CliVault> {
  const cli = await CliVault.create(temp, `${label}-primary`);
  const clock = new ManualClock(T0);
  const { vault } = await Vault.create(cli.dir, cli.password, { clock, scrypt: SCRYPT });
  try {
    const services = createVaultServices(vault, clock);
    initializeVaultContent(services);
    services.settings.set(SETTINGS.owner, { email: OWNER, name: null });
    services.settings.set(SETTINGS.smtp, loopbackSmtp(smtp.port));
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
const warningsSent = (mails: readonly ReceivedMail[]): number[] =>
  mails.map(warningLevel).filter((level): level is number => level !== null);

async function manifests(prefix: string): Promise<string[]> {
  const dir = join(s3.server.directory, s3.server.bucket, prefix, 'manifests');
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

async function leaseInBucket(prefix: string): Promise<{ holder: { name: string } | null; epoch: number }> {
  return JSON.parse(await readFile(s3.server.objectFile(`${prefix}/standby/lease`), 'utf8'));
}

async function claimsInBucket(prefix: string): Promise<number> {
  const dir = join(s3.server.directory, s3.server.bucket, prefix, 'standby', 'claims');
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

/** A TCP proxy to the S3 server that can be cut: open connections dropped, new ones refused. */
async function cuttableProxy(target: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Health {
  vault: string;
  scheduler: string;
  standby: { state: string; followed: { seq: number } | null; runner: { role: string } };
}

interface TakenOver {
  prefix: string;
  primary: CliVault;
  /** The standby that took over, and its name. */
  standby: CliVault;
  name: string;
  bearer: Record<string, string>;
  standbyServe: ServeChild;
  /** Other standbys (a race): still following. */
  others: ServeChild[];
  /** The primary's clock when it sent warning 2, and the standby's when it took over. */
  secondSentAt: number;
  takenAt: number;
  /** Where this scenario's mails start in the SMTP server's list. */
  mark: number;
  pushedBefore: number;
}

/**
 * The common start: a primary `serve` with backups and a paired standby `serve --standby` (lease
 * TTL 1 min); the primary sends warnings 1 and 2 (pushed and followed), is SIGKILLed, and the
 * standby takes over once its monotonic clock has passed the longest TTL and its margin.
 */
async function primaryDiesAfterTwoWarnings(label: string, names: readonly string[] = ['nas']): Promise<TakenOver> {
  const prefix = label;
  const mark = smtp.mails.length;
  const primary = await primaryVault(label);
  await primary.json(['backup', 'target', 's3', ...s3.bucketFlags(prefix)], { ...S3RVER_ENV, ...fakeAt(T0) });
  const { token } = await primary.json<{ token: string }>(['token', 'add', '--role', 'monitor'], fakeAt(T0));
  const bearer = { authorization: `Bearer ${token}` };

  const standbys: CliVault[] = [];
  for (const name of names) {
    const standby = await CliVault.create(temp, `${label}-${name}`);
    const init = await standby.run(['standby', 'init', ...s3.bucketFlags(prefix), '--json'], S3RVER_ENV);
    expect(init.code, describeResult(init)).toBe(0);
    const { code } = parseJsonStdout<{ code: string }>(init);
    await primary.json(['standby', 'add', '--name', name, '--code', code], fakeAt(T0));
    standbys.push(standby);
  }

  const primaryServe = await startServe(primary, [], { ...S3RVER_ENV, ...fakeAt(T0) });
  const serves: ServeChild[] = [];
  try {
    for (const standby of standbys) {
      serves.push(await startServe(standby, ['--standby', '--lease-ttl', '1m'], { ...S3RVER_ENV, ...fakeAt(T0) }));
    }
    smtp.label = `${label}:primary`;
    // Warnings 1 and 2, a day apart, from the primary.
    let primaryNow = T0;
    for (const level of [1, 2]) {
      primaryNow = await pass(primaryServe.url, DAY_MS + MINUTE_MS, bearer);
      await smtp.waitFor((mails) => warningsSent(mails.slice(mark)).includes(level), 15_000);
    }
    const secondSentAt = primaryNow;
    // The change is pushed once the vault has been quiet for two minutes; the standby follows
    // it (its wall clock set to the primary's on each poll; its monotonic clock does not move).
    primaryNow = (await moveClock(primaryServe.url, { advanceMs: 3 * MINUTE_MS }, bearer)).now;
    for (const [i, serve] of serves.entries()) {
      await eventually(
        async () => {
          await moveClock(serve.url, { set: new Date(primaryNow).toISOString() });
          return followedWarning(standbys[i]!, 2);
        },
        (status) => status === 'sent',
        'warning 2 sent in the followed copy',
      );
      expect((await health<Health>(serve.url)).standby.state).toBe('following');
    }

    // The primary holds the lease and claimed its two warnings.
    expect(names).not.toContain((await leaseInBucket(prefix)).holder?.name);
    expect(await claimsInBucket(prefix)).toBe(2);
    await primaryServe.kill();
    smtp.label = `${label}:standby`;
    const pushedBefore = (await manifests(prefix)).length;

    // Silent for less than the TTL and its margin: nothing happens.
    for (const serve of serves) {
      await moveClock(serve.url, { advanceMs: 0 });
      await moveClock(serve.url, { advanceMs: 3 * MINUTE_MS });
      expect((await health<Health>(serve.url)).standby.state).toBe('following');
    }
    // Past the longest TTL either runner may write (12 h) and its margin: a standby takes over
    // (every standby at the same moment, when there are several: one wins).
    const moved = await Promise.all(serves.map((serve) => moveClock(serve.url, { advanceMs: 14 * HOUR_MS })));
    const takenAt = moved[0]!.now;
    const states = await eventually(
      () => Promise.all(serves.map((serve) => health<Health>(serve.url))),
      (all) =>
        all.filter((h) => h.standby.state === 'active' && h.scheduler === 'running').length === 1 &&
        all.filter((h) => h.standby.state === 'following').length === serves.length - 1,
      'the takeover',
    );
    const winner = states.findIndex((h) => h.standby.state === 'active');
    expect(states[winner]).toMatchObject({ vault: 'unlocked', standby: { runner: { role: 'primary' } } });
    expect(takenAt).toBeLessThan(secondSentAt + DAY_MS);
    expect(warningsSent(smtp.since(mark))).toEqual([1, 2]);
    return {
      prefix,
      primary,
      standby: standbys[winner]!,
      name: names[winner]!,
      bearer,
      standbyServe: serves[winner]!,
      others: serves.filter((_, i) => i !== winner),
      secondSentAt,
      takenAt,
      mark,
      pushedBefore,
    };
  } catch (error) {
    await primaryServe.kill();
    for (const serve of serves) await serve.kill();
    throw error;
  }
}

/** The standby sends warnings 3, then 4 (and 5 when asked), each a day after the last, as the primary would have. */
async function standbySendsUpTo(world: TakenOver, last: number): Promise<number> {
  const { standbyServe, bearer, secondSentAt, takenAt, mark } = world;
  // Warning 3 waits a full day from warning 2, as on the primary; then each level a day after the last.
  await pass(standbyServe.url, secondSentAt + DAY_MS - takenAt - 2 * MINUTE_MS, bearer);
  expect(warningsSent(smtp.since(mark))).toEqual([1, 2]);
  let now = 0;
  for (let level = 3; level <= last; level++) {
    now = await pass(standbyServe.url, level === 3 ? 3 * MINUTE_MS : DAY_MS + MINUTE_MS, bearer);
    await smtp.waitFor((mails) => warningsSent(mails.slice(mark)).includes(level), 15_000);
  }
  return now;
}

const byLabel = (world: TakenOver, role: string): (number | string)[] =>
  smtp
    .since(world.mark)
    .filter((m) => m.label === `${world.prefix}:${role}`)
    .map((m) => warningLevel(m) ?? m.rcptTo.join());

describe('a standby takes over from a primary that died', { timeout: 300_000 }, () => {
  it('continues the warnings where the primary stopped and delivers exactly once', async () => {
    const world = await primaryDiesAfterTwoWarnings('takeover');
    const { prefix, standby, standbyServe, bearer, mark } = world;
    try {
      await standbySendsUpTo(world, 5);
      await pass(standbyServe.url, DAY_MS + MINUTE_MS, bearer);
      await pass(standbyServe.url, HOUR_MS, bearer);
      await smtp.waitFor((mails) => mails.slice(mark).some((m) => m.rcptTo.includes(KIN)), 15_000);
      await pass(standbyServe.url, HOUR_MS, bearer);

      // Each warning once, in order, levels 1–2 from the primary and 3–5 from the standby; one delivery.
      expect(warningsSent(smtp.since(mark))).toEqual([1, 2, 3, 4, 5]);
      expect(byLabel(world, 'primary')).toEqual([1, 2]);
      expect(byLabel(world, 'standby')).toEqual([3, 4, 5, KIN]);
      const mails = smtp.since(mark);
      const host = /@([^>]+)>$/.exec(mails[0]!.messageId!)![1];
      for (const mail of mails) expect(mail.messageId).toBe(stableMessageId(mail.idempotencyKey!, host));
      // The standby holds the lease and claimed each of its sends; nothing was pushed into the
      // primary's backup chain from it.
      expect((await leaseInBucket(prefix)).holder?.name).toBe('nas');
      expect(await claimsInBucket(prefix)).toBe(6);
      expect((await manifests(prefix)).length).toBe(world.pushedBefore);
    } finally {
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

  it('a check-in at the standby at level 4 stops everything and reaches the primary, which comes back, sends nothing and says who took over, until its own check-in hands the lease back', async () => {
    const world = await primaryDiesAfterTwoWarnings('takeover-checkin');
    const { prefix, primary, standby, standbyServe, bearer, mark } = world;
    let primaryServe: ServeChild | null = null;
    try {
      let now = await standbySendsUpTo(world, 4);
      // "I'm here", at the standby (its vault is the primary's, opened with the same password).
      const checkin = await standby.run(['checkin', '--json'], {
        AFTERWORD_PASSWORD: primary.password,
        ...fakeAt(now),
      });
      expect(checkin.code, describeResult(checkin)).toBe(0);
      now = await pass(standbyServe.url, MINUTE_MS, bearer);
      // Half a day goes by on the standby (less than the plan's interval of a day, after which a
      // new round of warnings would rightly begin): no warning 5, no delivery.
      now = await pass(standbyServe.url, 12 * HOUR_MS, bearer);
      expect(warningsSent(smtp.since(mark))).toEqual([1, 2, 3, 4]);
      expect(smtp.since(mark).some((m) => m.rcptTo.includes(KIN))).toBe(false);

      // The primary comes back, its vault still at warning 2.
      smtp.label = `${prefix}:primary-back`;
      primaryServe = await startServe(primary, [], { ...S3RVER_ENV, ...fakeAt(now) });
      await pass(primaryServe.url, MINUTE_MS, bearer);
      type Status = {
        problems: { code: string; params: Record<string, unknown> }[];
        plans: { state: string }[];
        outbox: { pending: number };
        runner: { role: string; leaseHolder: { name: string } | null };
      };
      const back = await primary.json<Status>(['status'], fakeAt(now + 2 * MINUTE_MS));
      expect(back.runner).toMatchObject({ role: 'standby', leaseHolder: { name: 'nas' } });
      expect(back.problems.find((p) => p.code === 'STANDBY_TOOK_OVER')?.params).toMatchObject({ standby: 'nas' });
      // The standby's check-in reached it: no plan is warning any more.
      expect(back.plans.map((p) => p.state)).not.toContain('warning');
      // Days go by on the primary, while the standby keeps renewing its lease (a minute of its time
      // between the primary's steps): what falls due on the primary is held, never sent.
      let primaryNow = now;
      for (let step = 0; step < 12; step++) {
        now = await pass(standbyServe.url, MINUTE_MS, bearer);
        primaryNow = await pass(primaryServe.url, 6 * HOUR_MS, bearer);
      }
      expect(byLabel(world, 'primary-back')).toEqual([]);
      expect(warningsSent(smtp.since(mark))).toEqual([1, 2, 3, 4]);
      const holding = await primary.json<Status>(['status'], fakeAt(primaryNow));
      expect(holding.outbox.pending).toBeGreaterThan(0); // due there, held by the gate

      // The owner checks in at the primary: the standby hands the lease back and follows again.
      const mine = await primary.run(['checkin', '--json'], fakeAt(primaryNow));
      expect(mine.code, describeResult(mine)).toBe(0);
      await pass(primaryServe.url, MINUTE_MS, bearer);
      await eventually(
        async () => {
          await pass(standbyServe.url, MINUTE_MS, bearer);
          return health<Health>(standbyServe.url);
        },
        (h) => h.standby.state === 'following',
        'the hand-back',
      );
      await eventually(
        async () => {
          await pass(primaryServe!.url, MINUTE_MS, bearer);
          return leaseInBucket(prefix);
        },
        (lease) => lease.holder !== null && lease.holder.name !== 'nas',
        'the primary holding the lease again',
      );
      const after = await primary.json<Status>(['status'], fakeAt(primaryNow + HOUR_MS));
      expect(after.problems.map((p) => p.code)).not.toContain('STANDBY_TOOK_OVER');
      expect(after.runner.role).toBe('primary');
      expect(warningsSent(smtp.since(mark))).toEqual([1, 2, 3, 4]);
      expect(byLabel(world, 'primary-back')).toEqual([]);
    } finally {
      await primaryServe?.stop();
      await standbyServe.stop();
    }
  });

  it('two standbys race for the lease when the primary dies: one wins, the other keeps following, and each warning goes out once', async () => {
    const world = await primaryDiesAfterTwoWarnings('takeover-race', ['nas', 'vps']);
    const { prefix, standbyServe, others, mark } = world;
    try {
      expect((await leaseInBucket(prefix)).holder?.name).toBe(world.name);
      await standbySendsUpTo(world, 3);
      for (const other of others) {
        await pass(other.url, MINUTE_MS);
        expect((await health<Health>(other.url)).standby.state).toBe('following');
      }
      expect(warningsSent(smtp.since(mark))).toEqual([1, 2, 3]);
      expect(byLabel(world, 'standby')).toEqual([3]);
    } finally {
      for (const serve of [standbyServe, ...others]) await serve.stop();
    }
  });

  it('a partition: the primary runs but cannot reach the bucket; it stops sending when its lease runs out and tells the owner, the standby takes over and sends warning 2 once', async () => {
    const prefix = 'takeover-partition';
    const mark = smtp.mails.length;
    const primary = await primaryVault(prefix);
    // The primary reaches the bucket through a proxy that the test cuts; the standby reaches it directly.
    const proxy = await cuttableProxy(s3.server.port);
    const viaProxy = s3.bucketFlags(prefix).map((flag) => flag.replace(`:${s3.server.port}`, `:${proxy.port}`));
    await primary.json(['backup', 'target', 's3', ...viaProxy], { ...S3RVER_ENV, ...fakeAt(T0) });
    const { token } = await primary.json<{ token: string }>(['token', 'add', '--role', 'monitor'], fakeAt(T0));
    const bearer = { authorization: `Bearer ${token}` };
    const standby = await CliVault.create(temp, `${prefix}-nas`);
    const init = await standby.run(['standby', 'init', ...s3.bucketFlags(prefix), '--json'], S3RVER_ENV);
    expect(init.code, describeResult(init)).toBe(0);
    await primary.json(
      ['standby', 'add', '--name', 'nas', '--code', parseJsonStdout<{ code: string }>(init).code],
      fakeAt(T0),
    );
    const primaryServe = await startServe(primary, [], { ...S3RVER_ENV, ...fakeAt(T0) });
    const standbyServe = await startServe(standby, ['--standby', '--lease-ttl', '1m'], {
      ...S3RVER_ENV,
      ...fakeAt(T0),
    });
    try {
      smtp.label = `${prefix}:primary`;
      let primaryNow = await pass(primaryServe.url, DAY_MS + MINUTE_MS, bearer);
      await smtp.waitFor((mails) => warningsSent(mails.slice(mark)).includes(1), 15_000);
      const firstSentAt = primaryNow;
      primaryNow = (await moveClock(primaryServe.url, { advanceMs: 3 * MINUTE_MS }, bearer)).now;
      await eventually(
        async () => {
          await moveClock(standbyServe.url, { set: new Date(primaryNow).toISOString() });
          return followedWarning(standby, 1);
        },
        (status) => status === 'sent',
        'warning 1 sent in the followed copy',
      );

      // The partition: the primary keeps running, its bucket is gone.
      proxy.cut();
      smtp.label = `${prefix}:either`;
      await pass(standbyServe.url, 0);
      // Both clocks pass the lease's TTL and margin: the standby takes over.
      await pass(primaryServe.url, 14 * HOUR_MS, bearer);
      const standbyNow = (await moveClock(standbyServe.url, { advanceMs: 14 * HOUR_MS })).now;
      await eventually(
        () => health<Health>(standbyServe.url),
        (h) => h.standby.state === 'active' && h.scheduler === 'running',
        'the takeover',
      );
      // Warning 2 falls due on both: sent once, from the standby; the primary holds it and, 15
      // minutes on, tells the owner that it holds warnings.
      await pass(standbyServe.url, firstSentAt + DAY_MS + 2 * MINUTE_MS - standbyNow, bearer);
      await smtp.waitFor((mails) => warningsSent(mails.slice(mark)).includes(2), 15_000);
      primaryNow = (await moveClock(primaryServe.url, { advanceMs: 0 }, bearer)).now;
      await pass(primaryServe.url, firstSentAt + DAY_MS + 2 * MINUTE_MS - primaryNow, bearer);
      await pass(primaryServe.url, 16 * MINUTE_MS, bearer);
      await pass(primaryServe.url, MINUTE_MS, bearer);
      await smtp.waitFor(
        (mails) => mails.slice(mark).some((m) => /^notice:standby-unreachable:/.test(m.idempotencyKey ?? '')),
        15_000,
      );
      expect(warningsSent(smtp.since(mark))).toEqual([1, 2]);
      expect((await leaseInBucket(prefix)).holder?.name).toBe('nas');
      // The primary still holds its warning 2 (pending): the one sent was the standby's.
      primaryNow = (await moveClock(primaryServe.url, { advanceMs: 0 }, bearer)).now;
      const held = await primary.json<{ outbox: { pending: number; sent: number } }>(['status'], fakeAt(primaryNow));
      expect(held.outbox.pending).toBeGreaterThan(0);
    } finally {
      await primaryServe.stop();
      await standbyServe.stop();
      await proxy.close();
    }
  });
});
