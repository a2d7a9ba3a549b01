// `afterword backup …` and `afterword restore`, black-box: the built CLI against a real S3 server
// (s3rver on loopback), restoring on a "fresh machine" (another vault directory and key folder).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import {
  CLI_BIN,
  CliVault,
  TempDirs,
  assertCliBuilt,
  cleanEnv,
  describeResult,
  parseJsonStdout,
} from './test-support/run-cli.js';

const temp = new TempDirs();
let server: S3rverProcess;
const S3_ENV = { AFTERWORD_S3_ACCESS_KEY_ID: 'S3RVER', AFTERWORD_S3_SECRET_ACCESS_KEY: 'S3RVER' };

beforeAll(async () => {
  assertCliBuilt();
  server = await startS3rver();
}, 30_000);
afterAll(async () => {
  await stopS3rver(server);
  await temp.cleanup();
});

const bucketFlags = (prefix: string): string[] => [
  '--endpoint',
  `http://127.0.0.1:${server.port}`,
  '--bucket',
  server.bucket,
  '--prefix',
  prefix,
  '--path-style',
];

async function vaultWithTarget(label: string, prefix: string): Promise<{ v: CliVault; recoveryKey: string }> {
  const v = await CliVault.create(temp, label);
  const recoveryKey = await v.init();
  const set = await v.run(['backup', 'target', 's3', ...bucketFlags(prefix), '--json'], S3_ENV);
  expect(set.code, describeResult(set)).toBe(0);
  return { v, recoveryKey };
}

async function objectFiles(prefix: string, under = ''): Promise<string[]> {
  const root = join(server.directory, server.bucket, prefix, under);
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('._S3rver_object')).map((e) => join(e.parentPath, e.name));
}

interface PushJson {
  snapshotId: string;
  seq: number;
  objectsUploaded: number;
  bytesUploaded: number;
  bytesSkipped: number;
}

// Each test has its own vaults and its own prefix in the bucket: they run side by side (most of
// their time is spent waiting on the CLI and the S3 server).
describe.concurrent('afterword backup and restore', { timeout: 300_000 }, () => {
  it('sets a target, tests it, pushes, lists, verifies and restores on a fresh machine with the password', async () => {
    const { v } = await vaultWithTarget('backup-main', 'cli-main');
    const marker = `MARKER-${randomBytes(6).toString('hex')}`;
    const recipient = await v.json<{ id: string }>([
      'recipient',
      'add',
      '--name',
      `${marker} name`,
      '--email',
      'alex@example.org',
    ]);
    const file = join(v.root, 'photo.bin');
    const attachment = Buffer.concat([randomBytes(100_000), Buffer.from(marker)]);
    await writeFile(file, attachment);
    const message = await v.json<{ id: string }>([
      'message',
      'add',
      '--title',
      `${marker} title`,
      '--body',
      `${marker} body`,
      '--to',
      recipient.id,
      '--attach',
      file,
    ]);

    const shown = await v.json<{ target: Record<string, unknown> }>(['backup', 'target', 'show']);
    expect(shown.target).toMatchObject({
      bucket: server.bucket,
      prefix: 'cli-main',
      pathStyle: true,
      accessKeyId: 'S3RVER',
    });
    expect(JSON.stringify(shown)).not.toContain('secretAccessKey');
    expect(await v.json(['backup', 'test'])).toMatchObject({ ok: true, failedStep: null });

    const pushed = await v.json<PushJson>(['backup', 'now']);
    expect(pushed).toMatchObject({ seq: 1, snapshotId: expect.stringMatching(/^1-[0-9a-f]{12}$/) });
    expect(pushed.objectsUploaded).toBeGreaterThan(2);
    expect(pushed.bytesUploaded).toBeGreaterThan(100_000);
    expect(typeof pushed.bytesSkipped).toBe('number');

    const listed = await v.json<{
      snapshots: { id: string; seq: number; time: number; size: number; messages: number }[];
    }>(['backup', 'list']);
    expect(listed.snapshots).toEqual([
      expect.objectContaining({
        id: pushed.snapshotId,
        seq: 1,
        messages: 1,
        time: expect.any(Number),
        size: expect.any(Number),
      }),
    ]);
    expect(await v.json(['backup', 'verify'])).toMatchObject({ ok: true, problems: [] });

    for (const object of await objectFiles('cli-main')) {
      const bytes = await readFile(object);
      expect(bytes.includes(Buffer.from(marker)), object).toBe(false);
      expect(bytes.includes(Buffer.from(marker, 'utf16le')), object).toBe(false);
    }

    const fresh = await CliVault.create(temp, 'backup-fresh');
    const restored = await fresh.run(['restore', ...bucketFlags('cli-main'), '--vault', fresh.dir, '--json'], S3_ENV);
    expect(restored.code, describeResult(restored)).toBe(0);
    expect(parseJsonStdout(restored)).toMatchObject({
      seq: 1,
      messages: 1,
      attachments: 1,
      plansPaused: 1,
      plansTriggered: 0,
      heldDeliveries: 0,
      heldOther: 0,
    });
    const shownCopy = await fresh.json<{ title: string; attachments: { id: string }[] }>([
      'message',
      'show',
      message.id,
    ]);
    expect(shownCopy.title).toBe(`${marker} title`);
    const out = join(fresh.root, 'out.bin');
    await fresh.json(['attachment', 'get', message.id, shownCopy.attachments[0]!.id, '--out', out]);
    expect(Buffer.compare(await readFile(out), attachment)).toBe(0);
    const status = await fresh.json<{ plans: { state: string }[]; backup: { configured: boolean; nextAt: unknown } }>([
      'status',
    ]);
    expect(status.plans.every((p) => p.state === 'paused')).toBe(true);
    // The paused copy pushes nothing to the original's bucket until the owner resumes it.
    expect(status.backup).toMatchObject({ configured: true, nextAt: null });
    expect((await fresh.run(['audit', 'verify'])).code).toBe(0);
    await fresh.json(['resume']);
    const resumed = await fresh.json<{ backup: { nextAt: unknown } }>(['status']);
    expect(resumed.backup.nextAt).toEqual(expect.any(Number));

    const again = await fresh.run(['restore', ...bucketFlags('cli-main'), '--vault', fresh.dir], S3_ENV);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('restores with --recovery-key, plans running with --resume-plans; a flipped shard byte fails verify (exit 3) and restore', async () => {
    const { v, recoveryKey } = await vaultWithTarget('backup-recovery', 'cli-recovery');
    await v.json(['message', 'add', '--title', 'for later', '--body', 'kept safe']);
    await v.json(['backup', 'now']);
    const fresh = await CliVault.create(temp, 'backup-recovered');
    const restored = await fresh.run(
      [
        'restore',
        ...bucketFlags('cli-recovery'),
        '--vault',
        fresh.dir,
        '--recovery-key',
        recoveryKey,
        '--resume-plans',
        '--json',
      ],
      {
        ...S3_ENV,
        AFTERWORD_PASSWORD: undefined,
      },
    );
    expect(restored.code, describeResult(restored)).toBe(0);
    expect(parseJsonStdout(restored)).toMatchObject({ plansPaused: 0 });
    expect(await fresh.messageCount()).toBe(1);

    const shard = (await objectFiles('cli-recovery', 'shards'))[0]!;
    const bytes = await readFile(shard);
    bytes[40]! ^= 0xff;
    await writeFile(shard, bytes);
    const verify = await v.run(['backup', 'verify']);
    expect(verify.code, describeResult(verify)).toBe(3);
    expect(verify.stdout).toMatch(/shard [0-9a-f]{64} in the bucket was changed/);
    const other = await CliVault.create(temp, 'backup-refused');
    const refused = await other.run(['restore', ...bucketFlags('cli-recovery'), '--vault', other.dir], S3_ENV);
    expect(refused.code, describeResult(refused)).toBe(3);
    expect(refused.stderr).toMatch(/was changed, cut short or swapped/);
  });

  it('a second push after one edit uploads only a few shards; prune keeps what it is told', async () => {
    const { v } = await vaultWithTarget('backup-incr', 'cli-incr');
    const { id } = await v.json<{ id: string }>(['message', 'add', '--title', 'one', '--body', 'x'.repeat(5000)]);
    for (let i = 0; i < 5; i++)
      await v.json(['message', 'add', '--title', `filler ${i}`, '--body', randomBytes(20_000).toString('hex')]);
    const first = await v.json<PushJson>(['backup', 'now']);
    await v.json(['message', 'edit', id, '--body', 'y'.repeat(5000)]);
    const second = await v.json<PushJson>(['backup', 'now']);
    expect(second.seq).toBe(2);
    expect(second.objectsUploaded).toBeLessThanOrEqual(8);
    expect(second.bytesSkipped).toBeGreaterThan(0);
    expect(second.bytesUploaded).toBeLessThan(first.bytesUploaded);
    expect(await v.json(['backup', 'prune', '--keep', '1'])).toMatchObject({ keptSnapshots: 1, deletedSnapshots: 1 });
    expect((await v.json<{ snapshots: unknown[] }>(['backup', 'list'])).snapshots).toHaveLength(1);
  });

  it("backup test names the failing step with the server's answer; no target is a clear error", async () => {
    const v = await CliVault.create(temp, 'backup-bad');
    await v.init();
    const none = await v.run(['backup', 'now']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no backup target is set up/);
    const set = await v.run(
      [
        'backup',
        'target',
        's3',
        '--endpoint',
        `http://127.0.0.1:${server.port}`,
        '--bucket',
        'no-such-bucket',
        '--path-style',
      ],
      S3_ENV,
    );
    expect(set.code, describeResult(set)).toBe(0);
    const tested = await v.run(['backup', 'test', '--json']);
    expect(tested.code).toBe(1);
    expect(parseJsonStdout(tested)).toMatchObject({
      ok: false,
      failedStep: 'list',
      message: expect.stringMatching(/NoSuchBucket/),
    });
    const bad = await v.run(['backup', 'target', 's3', '--endpoint', 'ftp://example.org', '--bucket', 'b'], S3_ENV);
    expect(bad.code).toBe(1);
    const files = await temp.make('backup-ca');
    const endpoint = [
      'backup',
      'target',
      's3',
      '--endpoint',
      'https://127.0.0.1:1',
      '--bucket',
      'other-bucket',
      '--ca-file',
    ];
    const missingCa = await v.run([...endpoint, join(files, 'no-such-ca.pem')], S3_ENV);
    expect(missingCa.code).toBe(1);
    expect(missingCa.stderr).toMatch(/cannot read the CA file .*no-such-ca\.pem \(ENOENT\)/);
    await writeFile(join(files, 'not-a-cert.pem'), 'hello');
    const notPem = await v.run([...endpoint, join(files, 'not-a-cert.pem')], S3_ENV);
    expect(notPem.code).toBe(1);
    expect(notPem.stderr).toMatch(/not a PEM certificate/);
    expect((await v.json<{ target: { bucket: string } }>(['backup', 'target', 'show'])).target.bucket).toBe(
      'no-such-bucket',
    );
  });

  it('a push killed (SIGKILL) at several points leaves the previous snapshot restorable, and the next push converges', async () => {
    const { v } = await vaultWithTarget('backup-kill', 'cli-kill');
    await v.json(['message', 'add', '--title', 'first', '--body', 'first']);
    await v.json<PushJson>(['backup', 'now']);
    for (let i = 0; i < 6; i++)
      await v.json(['message', 'add', '--title', `more ${i}`, '--body', randomBytes(60_000).toString('hex')]);
    for (const delayMs of [150, 400, 700, 1000]) {
      const child = spawn(process.execPath, [CLI_BIN, 'backup', 'now'], { env: cleanEnv(v.env()), stdio: 'ignore' });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const fresh = await CliVault.create(temp, 'backup-kill-restore');
    const restored = await fresh.run(['restore', ...bucketFlags('cli-kill'), '--vault', fresh.dir, '--json'], S3_ENV);
    expect(restored.code, describeResult(restored)).toBe(0);
    const next = await v.json<PushJson>(['backup', 'now']);
    expect(await v.json(['backup', 'verify'])).toMatchObject({ ok: true });
    const again = await v.json<PushJson>(['backup', 'now']);
    expect(again.seq).toBe(next.seq + 1);
    expect(again.objectsUploaded).toBeLessThanOrEqual(8);
  });
});
