// The machine's high-water mark per copy of a vault: a mark from before marks were kept per
// folder still protects the vault it was written for.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { readMark, sealedEnd } from './rollback-mark.js';
import { Vault } from './vault.js';

const PASSWORD = 'correct horse battery';
const roots: string[] = [];

/** A key store that counts what is written to it. */
class CountingKeyStore extends MemoryKeyStore {
  writes = 0;
  override set(account: string, secret: Uint8Array): Promise<void> {
    this.writes++;
    return super.set(account, secret);
  }
}

async function newVaultDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'afterword-mark-'));
  roots.push(root);
  return join(root, 'vault');
}
/** A new vault, created and closed, whose marks are counted. */
async function createdAndClosed(): Promise<{
  dir: string;
  deps: { clock: ManualClock; scrypt: { logN: number; r: number; p: number } };
  marks: CountingKeyStore;
}> {
  const dir = await newVaultDir();
  const deps = { clock: new ManualClock(Date.UTC(2027, 0, 1)), scrypt: { logN: 15, r: 8, p: 1 } };
  const marks = new CountingKeyStore();
  const { vault } = await Vault.create(dir, PASSWORD, { ...deps, marks });
  await vault.close();
  return { dir, deps, marks };
}

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

  it('is rewritten only when the history moved: an unlock moves it, a close with nothing appended does not', async () => {
    const { dir, deps, marks } = await createdAndClosed();
    const again = await Vault.open(dir, { ...deps, marks });
    marks.writes = 0;
    await again.unlock(PASSWORD);
    expect(marks.writes).toBe(1); // the unlock's audit row
    const vaultId = again.vaultId;
    const end = sealedEnd(again.db)!;
    await again.close();
    expect(marks.writes).toBe(1);
    expect((await readMark(marks, vaultId, dir))?.seq).toBe(end.seq);
  });

  it('a mark that says something else (written meanwhile, or unreadable) is written again at close', async () => {
    const { dir, deps, marks } = await createdAndClosed();
    const again = await Vault.open(dir, { ...deps, marks });
    await again.unlock(PASSWORD);
    const vaultId = again.vaultId;
    const end = sealedEnd(again.db)!;
    const [account] = [...(marks as unknown as { secrets: Map<string, Uint8Array> }).secrets.keys()].filter((name) =>
      name.includes('-at-'),
    );
    await marks.set(account!, new Uint8Array(40));
    marks.writes = 0;
    await again.close();
    expect(marks.writes).toBe(1);
    expect((await readMark(marks, vaultId, dir))?.seq).toBe(end.seq);

    // Made readable by others while the vault was open: replaced by a fresh one, as before.
    const third = await Vault.open(dir, { ...deps, marks });
    await third.unlock(PASSWORD);
    marks.get = () => Promise.reject(new Error('readable by other users'));
    marks.writes = 0;
    await third.close();
    expect(marks.writes).toBe(1);
  });
});
