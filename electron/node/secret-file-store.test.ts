import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from './file-key-store.js';
import { SecretFileStore } from './secret-file-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afterword-secret-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SecretFileStore', () => {
  it('writes 0600 files in a 0700 directory, atomically, and reads them back', async () => {
    const files = new SecretFileStore(join(dir, 'keys'));
    await files.write('vault-x', new Uint8Array([1, 2, 3]));
    expect(await files.read('vault-x')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await readdir(join(dir, 'keys'))).toEqual(['vault-x.bin']);
    if (process.platform !== 'win32') {
      expect((await stat(join(dir, 'keys'))).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, 'keys', 'vault-x.bin'))).mode & 0o777).toBe(0o600);
    }
    await files.write('vault-x', new Uint8Array([4]));
    expect(await files.read('vault-x')).toEqual(new Uint8Array([4]));
    await files.remove('vault-x');
    expect(await files.read('vault-x')).toBeNull();
  });

  it.skipIf(process.platform === 'win32')('tightens a directory someone loosened before writing into it', async () => {
    await mkdir(join(dir, 'keys'), { mode: 0o755 });
    await chmod(join(dir, 'keys'), 0o755);
    await new SecretFileStore(join(dir, 'keys')).write('k', new Uint8Array([1]));
    expect((await stat(join(dir, 'keys'))).mode & 0o777).toBe(0o700);
  });

  it.skipIf(process.platform === 'win32')('refuses a file others can read', async () => {
    const files = new SecretFileStore(dir);
    await files.write('k', new Uint8Array([9]));
    await chmod(join(dir, 'k.bin'), 0o644);
    await expect(files.read('k')).rejects.toThrow(/readable by other users/);
  });

  it('refuses names that could leave the directory or hide in it', async () => {
    const files = new SecretFileStore(dir);
    for (const bad of ['../x', 'a/b', '', '.hidden', '..', 'a\\b', 'x\0y', 'x'.repeat(129)]) {
      await expect(files.write(bad, new Uint8Array(1))).rejects.toThrow(/invalid key file name/);
      await expect(files.read(bad)).rejects.toThrow(/invalid key file name/);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('a write that fails leaves the old file as it was and no temp file behind', async () => {
    const files = new SecretFileStore(dir);
    // The rename cannot replace a non-empty directory of the target's name.
    await mkdir(join(dir, 'busy.bin'));
    await writeFile(join(dir, 'busy.bin', 'inside'), 'x');
    await expect(files.write('busy', new Uint8Array([1, 2]))).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['busy.bin']);
  });
});

describe('FileKeyStore', () => {
  it('keeps each account in a 0600 <account>.key file through the same writer', async () => {
    const store = new FileKeyStore(join(dir, 'keys'));
    await store.set('vault-abc', new Uint8Array([5, 6]));
    expect(await readdir(join(dir, 'keys'))).toEqual(['vault-abc.key']);
    expect(new Uint8Array(await readFile(join(dir, 'keys', 'vault-abc.key')))).toEqual(new Uint8Array([5, 6]));
    if (process.platform !== 'win32') expect((await stat(join(dir, 'keys', 'vault-abc.key'))).mode & 0o777).toBe(0o600);
    expect(await store.get('vault-abc')).toEqual(new Uint8Array([5, 6]));
    await store.delete('vault-abc');
    expect(await store.get('vault-abc')).toBeNull();
    await expect(store.set('../escape', new Uint8Array(1))).rejects.toThrow(/invalid key file name/);
  });

  it('a failed write leaves no temp file with the key in it', async () => {
    const store = new FileKeyStore(dir);
    await mkdir(join(dir, 'vault-x.key'));
    await writeFile(join(dir, 'vault-x.key', 'inside'), 'x');
    await expect(store.set('vault-x', new Uint8Array([1, 2]))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['vault-x.key']);
  });
});
