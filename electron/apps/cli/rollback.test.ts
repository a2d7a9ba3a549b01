// A whole vault directory put back to an older copy: this machine remembers how far the vault's
// history reached (outside the vault) and refuses the older copy unless told it was meant.
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CliVault, TempDirs, assertCliBuilt, describeResult, parseJsonStdout } from './test-support/run-cli.js';

const temp = new TempDirs();
beforeAll(() => assertCliBuilt());
afterAll(() => temp.cleanup());

it('an older copy of the vault is refused with exit 3 until --accept-older-vault', { timeout: 120_000 }, async () => {
  const v = await CliVault.create(temp, 'rollback');
  await v.init();
  await v.json(['message', 'add', '--title', 'Kept', '--body', 'b']);
  const old = join(v.root, 'old-copy');
  await cp(v.dir, old, { recursive: true });
  const { id } = await v.json<{ id: string }>(['message', 'add', '--title', 'Deleted later', '--body', 'b']);
  await v.json(['message', 'rm', id]);
  await v.json(['checkin']);

  // The attacker (or a careless sync) puts the old directory back.
  await rm(v.dir, { recursive: true });
  await cp(old, v.dir, { recursive: true });
  for (const args of [
    ['message', 'list', '--json'],
    ['audit', 'verify', '--json'],
    ['tick', '--json'],
  ]) {
    const refused = await v.run(args);
    expect(refused.code, describeResult(refused)).toBe(3);
    expect(parseJsonStdout<{ error: { code: string; message: string } }>(refused).error).toMatchObject({
      code: 'INTEGRITY',
      message: expect.stringMatching(/older than the one this machine last saw .*--accept-older-vault/),
    });
  }

  // A deliberate restore: accepted once, then the older copy is the one this machine knows.
  const accepted = await v.json<{ items: Array<{ title: string }> }>(['--accept-older-vault', 'message', 'list']);
  expect(accepted.items.map((m) => m.title)).toEqual(['Kept']);
  expect((await v.json<{ items: unknown[] }>(['message', 'list'])).items).toHaveLength(1);
});
