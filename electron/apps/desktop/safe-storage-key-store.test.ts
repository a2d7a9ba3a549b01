import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoKeyringError } from '../../core/vault/vault-errors.js';
import type { KeyStore } from '../../core/ports/key-store.js';
import {
  SafeStorageKeyStore,
  SELF_TEST_ACCOUNT,
  safeStorageBackend,
  selfTestKeyStore,
  type SafeStorageLike,
} from './safe-storage-key-store.js';
import { SecretFileStore, type BlobFileStore } from '../../node/secret-file-store.js';

/** Like safeStorage: an opaque, reversible transform that is not the identity; the async API only. */
function fakeSafeStorage(
  backend: string | undefined,
  available = true,
  options: { rotated?: boolean } = {},
): SafeStorageLike & { calls: string[] } {
  const calls: string[] = [];
  const mask = (b: Buffer): Buffer => Buffer.from(b.map((x) => x ^ 0x5a));
  const fake: SafeStorageLike & { calls: string[] } = {
    calls,
    isAsyncEncryptionAvailable: async () => available,
    encryptStringAsync: async (s) => (
      calls.push('encrypt'),
      Buffer.concat([Buffer.from('v11'), mask(Buffer.from(s, 'utf8'))])
    ),
    decryptStringAsync: async (b) => {
      calls.push('decrypt');
      if (b.subarray(0, 3).toString() !== 'v11') throw new Error('Error while decrypting the ciphertext provided');
      return { result: mask(b.subarray(3)).toString('utf8'), shouldReEncrypt: options.rotated ?? false };
    },
  };
  if (backend !== undefined) fake.getSelectedStorageBackend = () => backend;
  return fake;
}

function memoryFiles(): BlobFileStore & { data: Map<string, Uint8Array> } {
  const data = new Map<string, Uint8Array>();
  return {
    data,
    read: async (n) => data.get(n) ?? null,
    write: async (n, d) => void data.set(n, d),
    remove: async (n) => void data.delete(n),
  };
}

describe('safeStorageBackend', () => {
  it('names the Linux keyring it uses', async () => {
    expect(await safeStorageBackend(fakeSafeStorage('gnome_libsecret'), 'linux')).toBe('safeStorage:gnome_libsecret');
    expect(await safeStorageBackend(fakeSafeStorage('kwallet5'), 'linux')).toBe('safeStorage:kwallet5');
  });

  it('names the platform on macOS and Windows', async () => {
    expect(await safeStorageBackend(fakeSafeStorage(undefined), 'darwin')).toBe('safeStorage:darwin');
    expect(await safeStorageBackend(fakeSafeStorage(undefined), 'win32')).toBe('safeStorage:win32');
  });

  it('refuses basic_text on Linux with its own error (NO_KEYRING, not "the vault is locked"), saying what to do', async () => {
    const call = () => safeStorageBackend(fakeSafeStorage('basic_text'), 'linux');
    await expect(call()).rejects.toThrow(NoKeyringError);
    await expect(call()).rejects.toMatchObject({ code: 'NO_KEYRING' });
    await expect(call()).rejects.toThrow(/basic_text.*refuses.*GNOME Keyring or KWallet.*keep Afterword unlocked/s);
  });

  it('refuses unknown, and a Linux safeStorage that cannot name its backend', async () => {
    await expect(safeStorageBackend(fakeSafeStorage('unknown'), 'linux')).rejects.toThrow(/"unknown"/);
    await expect(safeStorageBackend(fakeSafeStorage(undefined), 'linux')).rejects.toThrow(/"unknown"/);
  });

  it('refuses when encryption is not available', async () => {
    await expect(safeStorageBackend(fakeSafeStorage('gnome_libsecret', false), 'linux')).rejects.toThrow(
      /not available right now/,
    );
    await expect(safeStorageBackend(fakeSafeStorage(undefined, false), 'darwin')).rejects.toThrow(NoKeyringError);
  });
});

describe('SafeStorageKeyStore', () => {
  it('round-trips a secret, storing only safeStorage ciphertext', async () => {
    const files = memoryFiles();
    const store = await SafeStorageKeyStore.create({
      safeStorage: fakeSafeStorage('gnome_libsecret'),
      files,
      platform: 'linux',
    });
    expect(store.backend).toBe('safeStorage:gnome_libsecret');
    const secret = new Uint8Array(randomBytes(32));
    await store.set('vault-1', secret);
    expect(await store.get('vault-1')).toEqual(secret);
    const stored = Buffer.from(files.data.get('vault-1')!).toString('utf8');
    expect(stored).not.toContain(Buffer.from(secret).toString('base64'));
    expect(JSON.parse(stored)).toMatchObject({ v: 1, backend: 'safeStorage:gnome_libsecret' });
    await store.delete('vault-1');
    expect(await store.get('vault-1')).toBeNull();
  });

  it('returns null for an account never set', async () => {
    const store = await SafeStorageKeyStore.create({
      safeStorage: fakeSafeStorage(undefined),
      files: memoryFiles(),
      platform: 'darwin',
    });
    expect(await store.get('nobody')).toBeNull();
  });

  it('refuses a key written under another backend', async () => {
    const files = memoryFiles();
    await (
      await SafeStorageKeyStore.create({ safeStorage: fakeSafeStorage('kwallet5'), files, platform: 'linux' })
    ).set('a', new Uint8Array(32));
    const now = await SafeStorageKeyStore.create({
      safeStorage: fakeSafeStorage('gnome_libsecret'),
      files,
      platform: 'linux',
    });
    await expect(now.get('a')).rejects.toThrow(/stored with safeStorage:kwallet5.*uses safeStorage:gnome_libsecret/);
  });

  it('refuses damaged files', async () => {
    const files = memoryFiles();
    const store = await SafeStorageKeyStore.create({
      safeStorage: fakeSafeStorage('kwallet5'),
      files,
      platform: 'linux',
    });
    files.data.set('a', new TextEncoder().encode('not json'));
    await expect(store.get('a')).rejects.toThrow(/damaged/);
    files.data.set('a', new TextEncoder().encode('{"v":9}'));
    await expect(store.get('a')).rejects.toThrow(/unknown format/);
  });

  it('cannot be created on basic_text', async () => {
    await expect(
      SafeStorageKeyStore.create({
        safeStorage: fakeSafeStorage('basic_text'),
        files: memoryFiles(),
        platform: 'linux',
      }),
    ).rejects.toThrow(NoKeyringError);
  });

  it('stores the secret again when the OS rotated its key (shouldReEncrypt)', async () => {
    const files = memoryFiles();
    const safeStorage = fakeSafeStorage('gnome_libsecret', true, { rotated: true });
    const store = await SafeStorageKeyStore.create({ safeStorage, files, platform: 'linux' });
    await store.set('a', new Uint8Array([1, 2, 3]));
    expect(await store.get('a')).toEqual(new Uint8Array([1, 2, 3]));
    expect(safeStorage.calls).toEqual(['encrypt', 'decrypt', 'encrypt']);
  });
});

describe('selfTestKeyStore', () => {
  const random = (n: number) => new Uint8Array(randomBytes(n));

  it('passes on a working store and leaves nothing behind', async () => {
    const files = memoryFiles();
    const store = await SafeStorageKeyStore.create({
      safeStorage: fakeSafeStorage('gnome_libsecret'),
      files,
      platform: 'linux',
    });
    await selfTestKeyStore(store, random);
    expect(files.data.has(SELF_TEST_ACCOUNT)).toBe(false);
  });

  it('fails loudly when the store hands back something else, or throws', async () => {
    const lying: KeyStore = {
      backend: 'liar',
      get: async () => new Uint8Array(32),
      set: async () => {},
      delete: async () => {},
    };
    await expect(selfTestKeyStore(lying, random)).rejects.toThrow(/liar key store did not return what was stored/);
    const broken: KeyStore = {
      backend: 'broken',
      get: async () => null,
      set: async () => {
        throw new Error('keyring is locked');
      },
      delete: async () => {},
    };
    await expect(selfTestKeyStore(broken, random)).rejects.toThrow(
      /broken key store failed its self-test: keyring is locked/,
    );
  });
});

describe('SafeStorageKeyStore over SecretFileStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'afterword-shell-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('works end to end under SafeStorageKeyStore', async () => {
    const store = await SafeStorageKeyStore.create({
      safeStorage: fakeSafeStorage('kwallet5'),
      files: new SecretFileStore(dir),
      platform: 'linux',
    });
    await store.set('vault-abc', new Uint8Array([7, 7, 7]));
    expect(await store.get('vault-abc')).toEqual(new Uint8Array([7, 7, 7]));
    expect((await readFile(join(dir, 'vault-abc.bin'), 'utf8')).includes('BwcH')).toBe(false);
  });
});
