// A runner started while the OS key store holding its device key was out of reach (real vault,
// real AppCore; an in-memory store stands in for the keyring, which keyring.test.ts runs for real).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppCore } from '../../core/api/app-core.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { ManualClock } from '../../core/test-support/manual-clock.js';
import type { DeviceKeyStoreChoice } from '../../node/device-key-store.js';
import type { KeyStore } from '../../core/ports/key-store.js';
import { retryKeyringUnlock, SwitchingKeyStore } from './keyring-retry.js';

const PASSWORD = 'correct horse battery';
let root: string;
let app: AppCore | null = null;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'afterword-keyring-retry-'));
});
afterEach(async () => {
  await app?.close();
  app = null;
  await rm(root, { recursive: true, force: true });
});

function memoryKeyring(): KeyStore {
  const entries = new Map<string, Uint8Array>();
  return {
    backend: 'keyring:test',
    get: async (account) => entries.get(account) ?? null,
    set: async (account, secret) => void entries.set(account, Uint8Array.from(secret)),
    delete: async (account) => void entries.delete(account),
  };
}

describe('retryKeyringUnlock', () => {
  it('starts the scheduler once the key store holding the device key can be reached, and only then', async () => {
    const deps = {
      vaultDir: join(root, 'vault'),
      clock: new ManualClock(Date.UTC(2027, 0, 1)),
      scrypt: { logN: 15, r: 8, p: 1 },
    };
    const keyring = memoryKeyring();
    const first = new AppCore({ ...deps, keyStore: keyring });
    await first.create(PASSWORD);
    await first.vaultOrThrow().enableDeviceKey(keyring);
    await first.close();

    const files: DeviceKeyStoreChoice = {
      store: new FileKeyStore(join(root, 'keys')),
      where: join(root, 'keys'),
      fallbackReason: 'no D-Bus session',
    };
    const keys = new SwitchingKeyStore(files);
    app = new AppCore({ ...deps, keyStore: keys });
    await app.open();
    expect(app.isWatching).toBe(false);
    expect(app.unattendedProblem).toMatch(/changed from "keyring:test" to "file"/);

    expect(await retryKeyringUnlock(app, keys, async () => files)).toBe(false);
    expect(app.isWatching).toBe(false);

    const reachable: DeviceKeyStoreChoice = {
      store: keyring,
      where: 'the OS key store (keyring:test)',
      fallbackReason: null,
    };
    expect(await retryKeyringUnlock(app, keys, async () => reachable)).toBe(true);
    expect(app.isWatching).toBe(true);
    expect(keys.backend).toBe('keyring:test');
    expect(await retryKeyringUnlock(app, keys, async () => files)).toBe(false); // nothing left to do
    expect(app.isWatching).toBe(true);
  });

  it('leaves a runner the owner unlocked alone', async () => {
    const deps = {
      vaultDir: join(root, 'vault'),
      clock: new ManualClock(Date.UTC(2027, 0, 1)),
      scrypt: { logN: 15, r: 8, p: 1 },
    };
    const keyring = memoryKeyring();
    const files: DeviceKeyStoreChoice = {
      store: new FileKeyStore(join(root, 'keys')),
      where: join(root, 'keys'),
      fallbackReason: 'no D-Bus session',
    };
    const keys = new SwitchingKeyStore(files);
    app = new AppCore({ ...deps, keyStore: keys });
    await app.create(PASSWORD);
    await app.vaultOrThrow().enableDeviceKey(keyring);
    expect(app.isUiUnlocked).toBe(true);
    let asked = false;
    const choose = async (): Promise<DeviceKeyStoreChoice> => {
      asked = true;
      return { store: keyring, where: 'x', fallbackReason: null };
    };
    expect(await retryKeyringUnlock(app, keys, choose)).toBe(false);
    expect(asked).toBe(false);
    expect(keys.backend).toBe('file');
  });
});
