import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
});
