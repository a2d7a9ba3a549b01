// The disk holding the vault fills up: writes fail with a name for it and exit 6, and reading
// (the message list, status, doctor) still works. A real full file system: a 4 MiB tmpfs, which
// needs root and a kernel that lets this process mount; elsewhere the test says why it skips.
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CliVault, TempDirs, assertCliBuilt, describeResult, parseJsonStdout } from './test-support/run-cli.js';
import { fillDisk } from '../../core/test-support/fill-disk.js';

const temp = new TempDirs();
let mountPoint: string | null = null;
let cannotMount: string | null = null;

beforeAll(async () => {
  assertCliBuilt();
  const dir = join(await temp.make('full-disk'), 'disk');
  await mkdir(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'pipe' });
    mountPoint = dir;
  } catch (error) {
    cannotMount = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    console.warn(
      `full-disk test skipped: cannot mount a small tmpfs here (${cannotMount}); it needs root and CAP_SYS_ADMIN`,
    );
  }
});

afterAll(async () => {
  if (mountPoint) execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
  await temp.cleanup();
});

it(
  'a full disk: writes exit 6 naming the condition; list, status and doctor still work',
  { timeout: 120_000 },
  async (ctx) => {
    if (!mountPoint) ctx.skip();
    const v = new CliVault(mountPoint!);
    // The key directory stays on the normal disk: only the vault's disk is full.
    const env = { AFTERWORD_KEY_DIR: join(await temp.make('full-disk-keys'), 'keys') };
    await v.json(['init'], env);
    await v.json(['message', 'add', '--title', 'Written before', '--body', 'b'], env);
    await fillDisk(mountPoint!);

    const add = await v.run(['message', 'add', '--title', 'Too late', '--body', 'b', '--json'], env);
    expect(add.code, describeResult(add)).toBe(6);
    expect(parseJsonStdout<{ error: { code: string; message: string } }>(add).error).toEqual({
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringMatching(/^the disk holding the vault is full/),
    });

    const list = await v.json<{ items: Array<{ title: string }> }>(['message', 'list'], env);
    expect(list.items.map((m) => m.title)).toEqual(['Written before']);
    const status = await v.json<{ plans: unknown[] }>(['status'], env);
    expect(status.plans.length).toBeGreaterThan(0);
    const doctor = await v.run(['doctor', '--json'], env);
    expect(doctor.code, describeResult(doctor)).toBe(0);
  },
);
