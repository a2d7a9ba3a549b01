// Choosing the device key store. The OS key store itself is exercised under a real Secret Service
// in electron/apps/cli/keyring.test.ts; here, the choices that a working keyring cannot show: a store
// that answers wrongly, and the AFTERWORD_KEY_STORE setting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyStore } from '../core/ports/key-store.js';
import { chooseDeviceKeyStore } from './device-key-store.js';

let keyDir: string;
beforeEach(() => {
  keyDir = join(mkdtempSync(join(tmpdir(), 'afterword-choose-')), 'keys');
});
afterEach(() => rmSync(join(keyDir, '..'), { recursive: true, force: true }));

/** A key store in memory; `mangle` changes what it gives back. */
function memoryStore(
  mangle: (bytes: Uint8Array) => Uint8Array = (b) => b,
): KeyStore & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return {
    backend: 'keyring:memory',
    entries,
    get: async (account) => {
      const value = entries.get(account);
      return value ? mangle(value) : null;
    },
    set: async (account, secret) => void entries.set(account, Uint8Array.from(secret)),
    delete: async (account) => void entries.delete(account),
  };
}

describe('chooseDeviceKeyStore', () => {
  it('takes a key store that returns what was stored, and leaves no probe entry behind', async () => {
    const store = memoryStore();
    const choice = await chooseDeviceKeyStore({ env: {}, keyDir, keyring: () => store });
    expect(choice).toMatchObject({ fallbackReason: null, where: 'the OS key store (keyring:memory)' });
    expect(choice.store).toBe(store);
    expect(store.entries.size).toBe(0);
  });

  it('falls back to the files when the key store returns something else', async () => {
    const choice = await chooseDeviceKeyStore({ env: {}, keyDir, keyring: () => memoryStore((b) => b.slice(1)) });
    expect(choice.store.backend).toBe('file');
    expect(choice.where).toBe(keyDir);
    expect(choice.fallbackReason).toMatch(/did not return what was stored/);
  });

  it('AFTERWORD_KEY_STORE: file skips the key store, keyring refuses to fall back, anything else is refused', async () => {
    const unused = memoryStore();
    const file = await chooseDeviceKeyStore({ env: { AFTERWORD_KEY_STORE: 'file' }, keyDir, keyring: () => unused });
    expect(file).toMatchObject({ where: keyDir, fallbackReason: 'AFTERWORD_KEY_STORE=file' });
    const broken = () => {
      throw new Error('the keyring is locked');
    };
    await expect(
      chooseDeviceKeyStore({ env: { AFTERWORD_KEY_STORE: 'keyring' }, keyDir, keyring: broken }),
    ).rejects.toMatchObject({
      code: 'NO_KEYRING',
      message: expect.stringMatching(/AFTERWORD_KEY_STORE=keyring, but the OS key store failed: the keyring is locked/),
    });
    await expect(chooseDeviceKeyStore({ env: { AFTERWORD_KEY_STORE: 'vault' }, keyDir })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
