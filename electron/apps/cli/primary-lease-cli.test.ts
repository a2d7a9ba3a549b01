// The primary's side of a standby, black-box: the built CLI's `serve` on a vault with a standby
// paired (real S3 server with conditional writes on loopback) takes the lease before it sends, and
// `afterword status --json`, another process, shows it as `runner`.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { S3RVER_ENV, useCliS3rver } from './test-support/cli-s3rver.js';
import { CLI_BIN, CliVault, REPO_ROOT, TempDirs, cleanEnv, useWeakTestKdf } from './test-support/run-cli.js';

useWeakTestKdf();
const temp = new TempDirs();
const s3 = useCliS3rver({ conditionalWrites: true });
afterAll(() => temp.cleanup());

const FAKE_CLOCK = { AFTERWORD_ALLOW_FAKE_CLOCK: '1', AFTERWORD_FAKE_NOW: '2027-03-01T09:00:00Z' };

interface Runner {
  id: string;
  name: string;
}
interface StatusRunner {
  role: string;
  leaseHolder: Runner | null;
  leaseEpoch: number | null;
  primarySilentForMs: number | null;
  takeoverAt: number | null;
}

function serve(v: CliVault): { child: ChildProcess; stopped: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI_BIN, 'serve', '--port', '0', '--json'], {
    cwd: REPO_ROOT,
    env: cleanEnv(v.env({ ...S3RVER_ENV, ...FAKE_CLOCK })),
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const stopped = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve(code);
    }),
  );
  return { child, stopped };
}

async function leaseIn(prefix: string): Promise<{ holder: Runner; epoch: number } | null> {
  try {
    return JSON.parse(await readFile(s3.server.objectFile(`${prefix}/standby/lease`), 'utf8')) as {
      holder: Runner;
      epoch: number;
    };
  } catch {
    return null;
  }
}

describe('a primary with a paired standby', { timeout: 120_000 }, () => {
  it('status --json shows runner all null without a standby, then serve takes the lease and status shows it', async () => {
    const prefix = 'primary-lease';
    const v = await CliVault.create(temp, 'primary');
    await v.init();
    await v.json(['unattended', 'enable']);
    await v.json(['backup', 'target', 's3', ...s3.bucketFlags(prefix)], S3RVER_ENV);
    expect((await v.json<{ runner: StatusRunner }>(['status'])).runner).toEqual({
      role: 'primary',
      leaseHolder: null,
      leaseEpoch: null,
      primarySilentForMs: null,
      takeoverAt: null,
    });

    const standby = await CliVault.create(temp, 'standby');
    const { code } = await standby.json<{ code: string }>(['standby', 'init', ...s3.bucketFlags(prefix)], S3RVER_ENV);
    await v.json(['standby', 'add', '--name', 'nas', '--code', code], S3RVER_ENV);
    expect(await leaseIn(prefix)).toBeNull(); // pairing alone takes no lease

    const served = serve(v);
    try {
      let lease = await leaseIn(prefix);
      for (let i = 0; i < 200 && !lease; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        lease = await leaseIn(prefix);
      }
      const id = (await readFile(join(v.dir, 'runner-id'), 'utf8')).trim();
      expect(lease).toMatchObject({ holder: { id, name: hostname() }, epoch: 1 });

      const { runner } = await v.json<{ runner: StatusRunner }>(['status'], FAKE_CLOCK);
      expect(runner).toMatchObject({
        role: 'primary',
        leaseHolder: { id, name: hostname() },
        leaseEpoch: 1,
        takeoverAt: null,
        stale: false,
      });
      expect(runner.primarySilentForMs).toEqual(expect.any(Number));
    } finally {
      served.child.kill('SIGTERM');
      expect(await served.stopped).toBe(0);
    }
  });
});
