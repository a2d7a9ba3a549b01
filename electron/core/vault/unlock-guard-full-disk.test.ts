// Wrong passwords on a full disk: the count cannot be written to the vault, and the backoff must
// still apply in this process. A real full file system: a 4 MiB tmpfs, which needs root and a
// kernel that lets this process mount; elsewhere the test says why it skips.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.js';
import { FREE_ATTEMPTS } from './unlock-guard.js';
import { Vault } from './vault.js';
import { fillDisk } from '../test-support/fill-disk.js';

const PASSWORD = 'correct horse battery staple';
const SCRYPT = { logN: 15, r: 8, p: 1 };
let root = '';
let mountPoint: string | null = null;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'afterword-guard-full-'));
  const dir = join(root, 'disk');
  await mkdir(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'pipe' });
    mountPoint = dir;
  } catch (error) {
    const why = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    process.stderr.write(
      `full-disk unlock test skipped: cannot mount a small tmpfs here (${why}); it needs root and CAP_SYS_ADMIN\n`,
    );
  }
});

afterAll(async () => {
  if (mountPoint) execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
  await rm(root, { recursive: true, force: true });
});

it(
  'counts wrong passwords in memory while the disk is full: the backoff still applies',
  { timeout: 60_000 },
  async (ctx) => {
    if (!mountPoint) ctx.skip();
    const dir = join(mountPoint!, 'vault');
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const created = await Vault.create(dir, PASSWORD, { clock, scrypt: SCRYPT });
    await created.vault.close();
    const vault = await Vault.open(dir, { clock, scrypt: SCRYPT });
    try {
      await fillDisk(mountPoint!);
      for (let i = 0; i < FREE_ATTEMPTS; i++)
        await expect(vault.unlock('not the password')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
      // Nothing could be written...
      expect(vault.db.sqlite.prepare('SELECT failures FROM unlock_guard WHERE id = 1').pluck().get()).toBe(0);
      // ...and still the next attempt waits, even with the right password.
      await expect(vault.unlock(PASSWORD)).rejects.toMatchObject({ code: 'LOCKED_OUT' });
      expect(vault.guard.state()).toMatchObject({ failures: FREE_ATTEMPTS, retryAfterMs: 30_000 });
      clock.advance(30_000);
      await vault.unlock(PASSWORD);
      expect(vault.guard.state().failures).toBe(0);
    } finally {
      await vault.close();
    }
  },
);
