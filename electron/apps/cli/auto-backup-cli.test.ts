// Automatic backups from `afterword tick` (the path of cron and of the runner's engine), and what
// `afterword status` says about them: the built CLI against a real S3 server (s3rver on loopback).
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../shared/durations.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { CLI_BIN, CliVault, TempDirs, assertCliBuilt, cleanEnv, describeResult } from './test-support/run-cli.js';

const temp = new TempDirs();
let server: S3rverProcess;
beforeAll(async () => {
  assertCliBuilt();
  server = await startS3rver();
}, 30_000);
afterAll(() => Promise.all([stopS3rver(server), temp.cleanup()]));

const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
/** The fake clock starts at the time given and runs on from there. */
const near = (ms: number) => expect.closeTo(ms, -5);
const at = (ms: number) => ({
  AFTERWORD_ALLOW_FAKE_CLOCK: '1',
  AFTERWORD_FAKE_NOW: new Date(ms).toISOString(),
  AFTERWORD_S3_ACCESS_KEY_ID: 'S3RVER',
  AFTERWORD_S3_SECRET_ACCESS_KEY: 'S3RVER',
});

interface StatusJson {
  backup: {
    configured: boolean;
    lastSuccess: { at: number; seq: number; snapshotId: string } | null;
    failingSince: number | null;
    lastError: string | null;
    nextAt: number | null;
  };
  problems: { code: string; params: Record<string, unknown>; message: string }[];
}

async function vaultWithTarget(label: string, endpoint: string, prefix: string): Promise<CliVault> {
  const v = await CliVault.create(temp, label);
  await v.json(['init'], at(T0));
  const flags = ['--endpoint', endpoint, '--bucket', server.bucket, '--prefix', prefix, '--path-style'];
  const set = await v.run(['backup', 'target', 's3', ...flags, '--json'], at(T0));
  expect(set.code, describeResult(set)).toBe(0);
  return v;
}

async function manifests(prefix: string): Promise<string[]> {
  const dir = join(server.directory, server.bucket, prefix, 'manifests');
  return (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('._S3rver_object'));
}

describe('automatic backups from afterword tick', { timeout: 120_000 }, () => {
  it('a tick pushes the first snapshot, and status shows the last backup and the next one', async () => {
    const v = await vaultWithTarget('auto-tick', `http://127.0.0.1:${server.port}`, 'cli-auto');
    const before = await v.run(['status'], at(T0));
    expect(before.stdout).toContain('Last backup: never');
    expect(before.stdout).toContain('Next backup: now');

    const tick = await v.run(['tick', '--json'], at(T0));
    expect(tick.code, describeResult(tick)).toBe(0);
    expect(await manifests('cli-auto')).toHaveLength(1);

    const status = await v.json<StatusJson>(['status'], at(T0 + MINUTE_MS));
    expect(status.backup).toMatchObject({
      configured: true,
      lastSuccess: { at: near(T0), seq: 1 },
      failingSince: null,
    });
    // Nothing changed since (the commands' unlock rows are no change): the daily push is next.
    expect(status.backup.nextAt).toBe(status.backup.lastSuccess!.at + DAY_MS);
    const text = await v.run(['status'], at(T0 + MINUTE_MS));
    expect(text.stdout).toContain(`Last backup: ${new Date(T0).toISOString().slice(0, 16)}`);
    expect(text.stdout).toMatch(/Last backup: .*snapshot 1/);

    // A second tick with nothing due pushes nothing.
    await v.json(['tick'], at(T0 + 2 * MINUTE_MS));
    expect(await manifests('cli-auto')).toHaveLength(1);
  });

  it('a tick waiting for its push has let go of the scheduler lock: the next tick from cron runs its pass', async () => {
    // A server that accepts connections and never answers: the first tick's push hangs there.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const v = await vaultWithTarget('auto-hanging', `http://127.0.0.1:${port}`, 'cli-hanging');
    const first = spawn(process.execPath, [CLI_BIN, 'tick'], { env: cleanEnv(v.env(at(T0))), stdio: 'ignore' });
    const firstExit = new Promise<number | null>((resolve) => first.on('close', resolve));
    try {
      // The push starts only once the pass is done.
      while (sockets.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const second = await v.run(['tick', '--json'], at(T0 + MINUTE_MS));
      expect(second.code, describeResult(second)).toBe(0);
      const status = await v.json<{ lastTick: { at: number } | null }>(['status'], at(T0 + 2 * MINUTE_MS));
      expect(status.lastTick?.at).toEqual(near(T0 + MINUTE_MS));
    } finally {
      first.kill('SIGKILL');
      await firstExit;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a bucket nobody answers at: the tick still succeeds, status says since when, and after a day lists BACKUP_FAILING', async () => {
    // Nothing listens on port 9 of this machine.
    const v = await vaultWithTarget('auto-failing', 'http://127.0.0.1:9', 'cli-failing');
    const tick = await v.run(['tick', '--json'], at(T0));
    expect(tick.code, describeResult(tick)).toBe(0);
    const status = await v.json<StatusJson>(['status'], at(T0 + MINUTE_MS));
    expect(status.backup).toMatchObject({ failingSince: near(T0) });
    expect(status.backup.nextAt).toBe(status.backup.failingSince! + 5 * MINUTE_MS);
    expect(status.backup.lastError).toMatch(/^BACKUP_TARGET_FAILED: /);
    expect(status.problems.map((p) => p.code)).not.toContain('BACKUP_FAILING');
    const text = await v.run(['status'], at(T0 + MINUTE_MS));
    expect(text.stdout).toMatch(/Backups failing since .*BACKUP_TARGET_FAILED/);

    const later = T0 + 25 * HOUR_MS;
    expect((await v.run(['tick'], at(later))).code).toBe(0);
    const failing = await v.json<StatusJson>(['status'], at(later));
    const problem = failing.problems.find((p) => p.code === 'BACKUP_FAILING');
    expect(problem?.params).toMatchObject({ since: status.backup.failingSince });
    const words = await v.run(['status'], at(later));
    expect(words.stdout).toContain('! automatic backups have failed since');
    expect(words.stdout).toContain('afterword backup test');
  });
});
