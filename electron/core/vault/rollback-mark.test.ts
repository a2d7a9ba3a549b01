// The machine's high-water mark per copy of a vault: a mark from before marks were kept per
// folder still protects the vault it was written for.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { readMark } from './rollback-mark.js';
import { Vault } from './vault.js';

const PASSWORD = 'correct horse battery';
const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

describe('the high-water mark', () => {
  it('a mark kept under the vault id alone (before marks were per folder) still refuses an older copy', async () => {
    const root = await mkdtemp(join(tmpdir(), 'afterword-mark-'));
    roots.push(root);
    const dir = join(root, 'vault');
    const deps = { clock: new ManualClock(Date.UTC(2027, 0, 1)), scrypt: { logN: 15, r: 8, p: 1 } };
    const marks = new MemoryKeyStore();
    const { vault } = await Vault.create(dir, PASSWORD, { ...deps, marks });
    await vault.close();
    await cp(dir, join(root, 'old'), { recursive: true });
    const again = await Vault.open(dir, { ...deps, marks });
    await again.unlock(PASSWORD);
    const vaultId = again.vaultId;
    await again.close();

    // Only the old-style mark is on this machine.
    const mark = (await readMark(marks, vaultId, dir))!;
    const bytes = new Uint8Array(40);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(mark.seq));
    bytes.set(mark.hash, 8);
    const legacy = new MemoryKeyStore();
    await legacy.set(`vault-${vaultId}-mark`, bytes);

    const current = await Vault.open(dir, { ...deps, marks: legacy });
    await current.close();
    await rm(dir, { recursive: true });
    await cp(join(root, 'old'), dir, { recursive: true });
    await expect(Vault.open(dir, { ...deps, marks: legacy })).rejects.toMatchObject({ found: 'older' });
  });
});
