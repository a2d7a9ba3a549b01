import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { withPushLock } from './push-lock.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'aw-pushlock-'));
  dirs.push(d);
  return d;
}

describe('withPushLock', () => {
  it('refuses a second push while one runs, and lets the next one in afterwards', async () => {
    const vaultDir = await dir();
    let release!: () => void;
    const first = withPushLock(vaultDir, () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(withPushLock(vaultDir, async () => 'second')).rejects.toMatchObject({ code: 'CONFLICT' });
    release();
    expect(await first).toBe('first');
    expect(existsSync(join(vaultDir, '.backup.lock'))).toBe(false);
    expect(await withPushLock(vaultDir, async () => 'third')).toBe('third');
  });

  it('takes over the lock of a process that is gone', async () => {
    const vaultDir = await dir();
    // A pid far above any pid_max: no such process.
    await writeFile(
      join(vaultDir, '.backup.lock'),
      JSON.stringify({ pid: 2 ** 30, host: hostname(), since: Date.now() }),
    );
    expect(await withPushLock(vaultDir, async () => 'ran')).toBe('ran');
  });

  it('a push that runs longer than the stale age keeps its lock: it touches the lock file while it runs', async () => {
    const vaultDir = await dir();
    const timing = { staleMs: 1_500, heartbeatMs: 100 };
    let release!: () => void;
    const first = withPushLock(
      vaultDir,
      () => new Promise<string>((resolve) => (release = () => resolve('first'))),
      timing,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await expect(withPushLock(vaultDir, async () => 'second', timing)).rejects.toMatchObject({ code: 'CONFLICT' });
    release();
    expect(await first).toBe('first');
  });

  it('a lock file nobody touched for the stale age is taken over, even of a process that still runs', async () => {
    const vaultDir = await dir();
    const path = join(vaultDir, '.backup.lock');
    await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() }));
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    expect(await withPushLock(vaultDir, async () => 'ran', { staleMs: 30_000, heartbeatMs: 100 })).toBe('ran');
  });
});
