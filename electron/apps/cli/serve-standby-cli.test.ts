// `afterword serve --standby`, black-box: the built CLI as a child process on a standby folder,
// against a real S3 server with AWS conditional writes (s3rver on loopback), and a primary vault
// made with the CLI: it starts, waits for its pairing, follows, and says so in /healthz and status.
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../shared/durations.js';
import { deriveBackupKeys } from '../../core/backup/backup-keys.js';
import { decodeLease, encodeLease, LEASE_KEY, newNonce } from '../../core/standby/lease-record.js';
import { checkinKey, encodeCheckin } from '../../core/standby/checkin-record.js';
import type { StandbyKeys } from '../../core/standby/signed-object.js';
import Database from 'better-sqlite3';
import { loadStandby, STANDBY_CONFIG_FILE } from '../../core/standby/standby-setup.js';
import { unwrapStandbyPairing } from '../../core/standby/standby-unwrap.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { S3RVER_ENV, useCliS3rver } from './test-support/cli-s3rver.js';
import { CliVault, TempDirs, describeResult, parseJsonStdout, useWeakTestKdf } from './test-support/run-cli.js';
import { eventually, health, moveClock, startServe } from './test-support/serve-child.js';

useWeakTestKdf();
const temp = new TempDirs();
const s3 = useCliS3rver({ conditionalWrites: true });
/** A server that stores every PUT whatever its conditions say. */
const plain = useCliS3rver();
const FAKE = { AFTERWORD_ALLOW_FAKE_CLOCK: '1', ...S3RVER_ENV };

afterAll(() => temp.cleanup());

interface StandbyHealth {
  ok: boolean;
  vault: string;
  scheduler: string;
  standby: {
    state: string;
    name: string | null;
    followed: { seq: number; at: number } | null;
    runner: { role: string; leaseHolder: unknown; takeoverAt: number | null; primarySilentForMs: number | null };
  };
}

interface StandbyStatus {
  runner: { role: string; leaseHolder: unknown; leaseEpoch: number | null; takeoverAt: number | null };
  standby: { state: string; name: string | null; fingerprint: string; running: boolean; followed: unknown } | null;
}

async function standbyFolder(
  label: string,
  prefix: string,
): Promise<{ s: CliVault; code: string; fingerprint: string }> {
  const s = await CliVault.create(temp, label);
  const init = await s.run(['standby', 'init', ...s3.bucketFlags(prefix), '--json'], S3RVER_ENV);
  expect(init.code, describeResult(init)).toBe(0);
  return { s, ...parseJsonStdout<{ code: string; fingerprint: string }>(init) };
}

/** The bucket's objects as a runner of the vault signs them (the test unwraps the key as the standby does). */
async function asRunner<T>(
  prefix: string,
  s: CliVault,
  write: (store: S3ObjectStore, keys: StandbyKeys, vaultId: string) => Promise<T>,
): Promise<T> {
  const store = new S3ObjectStore(s3.server.target(prefix));
  try {
    const standby = await loadStandby(s.dir, new FileKeyStore(s.keyDir));
    const { vaultKey, vaultId } = await unwrapStandbyPairing(store, standby!.identity);
    return await write(store, deriveBackupKeys(vaultKey, vaultId), vaultId);
  } finally {
    store.close();
  }
}

/** Writes the lease as another runner that took it over would. */
function writeLease(prefix: string, s: CliVault, holder: { id: string; name: string }): Promise<void> {
  return asRunner(prefix, s, async (store, keys, vaultId) => {
    const current = await store.getTagged(LEASE_KEY);
    const epoch = (current ? decodeLease(keys, vaultId, current.body)?.epoch : 0) ?? 0;
    const record = { vaultId, holder, epoch: epoch + 1, ttlMs: HOUR_MS, writtenAt: Date.now(), nonce: newNonce() };
    const body = encodeLease(keys, record);
    await (current ? store.putIfMatch(LEASE_KEY, body, current.etag) : store.putIfAbsent(LEASE_KEY, body));
  });
}

/** Publishes a check-in made at the primary, as the primary's runner does. */
function publishPrimaryCheckin(prefix: string, s: CliVault): Promise<void> {
  return asRunner(prefix, s, (store, keys, vaultId) =>
    store.put(
      checkinKey('primary'),
      encodeCheckin(keys, {
        vaultId,
        runner: { id: 'primary', name: 'laptop' },
        role: 'primary',
        seq: 1,
        at: Date.now(),
        source: 'app',
        checkinId: 9999,
      }),
    ),
  );
}

/** A primary with a first snapshot pushed; the monitor token it holds works on a standby that took over. */
async function primaryWithBackup(
  label: string,
  prefix: string,
): Promise<{ primary: CliVault; bearer: Record<string, string> }> {
  const v = await CliVault.create(temp, label);
  await v.init();
  const { token } = await v.json<{ token: string }>(['token', 'add', '--role', 'monitor']);
  await v.json(['backup', 'target', 's3', ...s3.bucketFlags(prefix)], S3RVER_ENV);
  await v.json(['backup', 'now'], S3RVER_ENV);
  return { primary: v, bearer: { authorization: `Bearer ${token}` } };
}

describe('afterword serve --standby', { timeout: 120_000 }, () => {
  it('waits for its pairing, then follows the newest snapshot; /healthz and status --json say role standby with takeoverAt', async () => {
    const prefix = 'serve-standby';
    const { primary, bearer } = await primaryWithBackup('sb-primary', prefix);
    const { s, code, fingerprint } = await standbyFolder('sb-standby', prefix);
    const served = await startServe(s, ['--standby', '--lease-ttl', '90m'], FAKE);
    try {
      expect(served.printed).toMatchObject({ setupToken: null, setupUrl: null, standby: { fingerprint } });
      const waiting = await eventually(
        () => health<StandbyHealth>(served.url),
        (h) => h.standby.state === 'waiting-for-pairing',
        'waiting for pairing',
      );
      expect(waiting).toMatchObject({ ok: true, vault: 'missing' });
      // No vault may be created on a standby, whoever finds its port.
      const create = await fetch(new URL('api/rpc/vault.create', served.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'a long enough password here', setupToken: 'x'.repeat(22) }),
      });
      expect(create.ok).toBe(false);
      const before = await s.json<StandbyStatus>(['status']);
      expect(before.runner.role).toBe('standby');
      expect(before.standby).toMatchObject({ state: 'waiting-for-pairing', fingerprint, running: true });

      await primary.json(['standby', 'add', '--name', 'nas', '--code', code]);
      await moveClock(served.url, { advanceMs: 0 });
      const following = await eventually(
        () => health<StandbyHealth>(served.url),
        (h) => h.standby.state === 'following',
        'following',
      );
      expect(following.standby).toMatchObject({ name: 'nas', followed: { seq: 1 } });
      expect(following.standby.runner).toMatchObject({ role: 'standby', takeoverAt: expect.any(Number) });
      expect(existsSync(join(s.dir, 'follow', 'vault.db'))).toBe(true);
      expect(existsSync(join(s.dir, 'vault.db'))).toBe(false);

      const status = await s.json<StandbyStatus>(['status']);
      expect(status.runner).toMatchObject({ role: 'standby', leaseHolder: null, takeoverAt: expect.any(Number) });
      expect(status.standby).toMatchObject({ state: 'following', name: 'nas', running: true, followed: { seq: 1 } });
      const words = await s.run(['status']);
      expect(words.stdout).toContain('Standby nas');
      expect(words.stdout).toMatch(/Takes over at \d{4}-/);

      // A newer snapshot on the primary is followed on the next poll.
      await primary.json(['message', 'add', '--title', 'later', '--body', 'more']);
      await primary.json(['backup', 'now'], S3RVER_ENV);
      await moveClock(served.url, { advanceMs: 60_000 });
      await eventually(
        () => health<StandbyHealth>(served.url),
        (h) => h.standby.followed?.seq === 2,
        'snapshot 2 followed',
      );
      // Its sign of life names its state; the primary lists it.
      const listed = await primary.json<{ standbys: { name: string; lastSeen: number | null }[] }>(['standby', 'list']);
      expect(listed.standbys).toEqual([expect.objectContaining({ name: 'nas', lastSeen: expect.any(Number) })]);
      const alive = JSON.parse(await readFile(s3.server.objectFile(`${prefix}/standby/alive/${fingerprint}`), 'utf8'));
      expect(alive.state).toBe('following');

      // Its own wall clock set days ahead (the monotonic clock does not move): no takeover.
      const { now } = await moveClock(served.url, { set: new Date(Date.now() + 5 * DAY_MS).toISOString() });
      const jumped = await health<StandbyHealth>(served.url);
      expect(jumped.standby.state).toBe('following');
      expect(jumped.standby.runner.takeoverAt).toBeGreaterThan(now);
      // The lease TTL (90 min) and its margin (9 min) pass on its monotonic clock: then it takes over.
      await moveClock(served.url, { advanceMs: 90 * MINUTE_MS });
      expect((await health<StandbyHealth>(served.url)).standby.state).toBe('following');
      await moveClock(served.url, { advanceMs: 10 * MINUTE_MS });
      const active = await health<StandbyHealth>(served.url);
      expect(active).toMatchObject({ vault: 'unlocked', standby: { state: 'active' } });
      const taken = await s.json<{ runner: { leaseEpoch: number }; plans: unknown[] }>(['status']);
      expect(taken.runner.leaseEpoch).toBe(1);
      expect(taken.plans.length).toBeGreaterThan(0);

      // The person checks in at the primary: the standby applies it, hands the lease back, stops,
      // keeps the vault it ran aside and follows again.
      await publishPrimaryCheckin(prefix, s);
      await moveClock(served.url, { advanceMs: 0 }, bearer);
      await moveClock(served.url, { advanceMs: 0 }, bearer).catch(() => undefined);
      const back = await eventually(
        () => health<StandbyHealth>(served.url),
        (h) => h.standby.state === 'following',
        'following again',
      );
      expect(back).toMatchObject({ vault: 'missing', scheduler: 'stopped' });
      expect(back.standby.runner).toMatchObject({ role: 'standby', leaseHolder: null });
      expect(existsSync(join(s.dir, 'vault.db'))).toBe(false);
      const aside = (await readdir(s.dir)).filter((name) => name.startsWith('taken-over-'));
      expect(aside).toHaveLength(1);
      const ran = new Database(join(s.dir, aside[0]!, 'vault.db'), { readonly: true });
      const sources = ran.prepare('SELECT source FROM checkins').pluck().all();
      const actions = ran.prepare('SELECT action FROM audit_log').pluck().all();
      ran.close();
      expect(sources).toContain('primary:laptop');
      expect(actions).toContain('standby.checkin_applied');

      // Should another runner hold the lease instead, the standby leaves it be: it only follows.
      await writeLease(prefix, s, { id: 'other', name: 'other' });
      await moveClock(served.url, { advanceMs: 0 });
      expect((await health<StandbyHealth>(served.url)).standby).toMatchObject({
        state: 'following',
        runner: { leaseHolder: { name: 'other' } },
      });
    } finally {
      const exit = await served.stop();
      expect(exit.code, exit.stderr).toBe(0);
    }
  });

  it('refuses a bucket whose server ignores conditional writes, at every start (exit 1, STANDBY_UNSUPPORTED_SERVER)', async () => {
    const { s } = await standbyFolder('sb-plain', 'serve-standby-plain');
    // The same folder pointed at a server that stores every PUT (as if the bucket moved there).
    const file = join(s.dir, STANDBY_CONFIG_FILE);
    const config = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...config, endpoint: `http://127.0.0.1:${plain.server.port}` }));
    const refused = await s.run(['serve', '--standby', '--port', '0', '--json'], FAKE);
    expect(refused.code, describeResult(refused)).toBe(1);
    expect(parseJsonStdout<{ error: { code: string; message: string } }>(refused).error).toMatchObject({
      code: 'STANDBY_UNSUPPORTED_SERVER',
      message: expect.stringContaining('conditional writes'),
    });
  });

  it('--lease-ttl takes 12h, 90m, 1d and refuses anything else with a clear error; a folder that is no standby is refused', async () => {
    const { s } = await standbyFolder('sb-ttl', 'serve-standby-ttl');
    const cases: [string, RegExp][] = [
      ['10s', /--lease-ttl: .*seconds.*one minute/],
      ['abc', /--lease-ttl: "abc" is not a duration/],
      ['0', /--lease-ttl: "0" is not a duration/],
      ['-5m', /--lease-ttl: "-5m" is not a duration/],
      ['31d', /--lease-ttl: "31d" is longer than 30d/],
    ];
    for (const [ttl, message] of cases) {
      const bad = await s.run(['serve', '--standby', '--lease-ttl', ttl, '--port', '0', '--json'], FAKE);
      expect(bad.code, describeResult(bad)).toBe(1);
      expect(parseJsonStdout<{ error: { code: string; message: string } }>(bad).error).toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(message),
      });
    }
    const primary = await CliVault.create(temp, 'sb-not-standby');
    await primary.init();
    const notStandby = await primary.run(['serve', '--standby', '--port', '0', '--json']);
    expect(notStandby.code, describeResult(notStandby)).toBe(1);
    expect(parseJsonStdout<{ error: { message: string } }>(notStandby).error.message).toMatch(
      /holds a vault, not a standby/,
    );
    const ttlAlone = await primary.run(['serve', '--lease-ttl', '1h', '--port', '0', '--json']);
    expect(ttlAlone.code, describeResult(ttlAlone)).toBe(1);
    expect(parseJsonStdout<{ error: { message: string } }>(ttlAlone).error.message).toMatch(
      /--lease-ttl is for serve --standby/,
    );
  });
});
