import { describe, expect, it } from 'vitest';
import type { KeyStore } from '../../core/ports/key-store.js';
import { LazyKeyStore } from './lazy-key-store.js';

function memoryStore(backend = 'safeStorage:test'): KeyStore & { secrets: Map<string, Uint8Array> } {
  const secrets = new Map<string, Uint8Array>();
  return {
    backend,
    secrets,
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => void secrets.delete(account),
  };
}

describe('LazyKeyStore', () => {
  it('builds once, on first use, and then delegates', async () => {
    let builds = 0;
    const inner = memoryStore();
    const lazy = new LazyKeyStore(async () => {
      builds++;
      return inner;
    });
    expect(builds).toBe(0);
    expect(() => lazy.backend).toThrow(/not ready/);
    await Promise.all([lazy.set('a', new Uint8Array([1])), lazy.ready()]);
    expect(await lazy.get('a')).toEqual(new Uint8Array([1]));
    await lazy.delete('a');
    expect(inner.secrets.size).toBe(0);
    expect(lazy.backend).toBe('safeStorage:test');
    expect(builds).toBe(1);
    expect(lazy.problem).toBeNull();
  });

  it('a store that refuses to be built gives its reason, typed, and is tried again later', async () => {
    let refuse = true;
    const lazy = new LazyKeyStore(() => {
      if (refuse) throw new Error('no keyring: basic_text');
      return memoryStore();
    });
    expect(await lazy.ready()).toBe(false);
    expect(lazy.problem).toMatch(/unattended unlock is not available: no keyring: basic_text/);
    expect(() => lazy.backend).toThrow(/basic_text/);
    await expect(lazy.get('a')).rejects.toMatchObject({
      code: 'VAULT_LOCKED',
      message: expect.stringMatching(/basic_text/),
    });
    refuse = false;
    expect(await lazy.ready()).toBe(true);
    expect(lazy.problem).toBeNull();
  });

  it('remembers why the last read failed', async () => {
    const inner = memoryStore();
    inner.get = async () => {
      throw new Error('keyring locked');
    };
    const lazy = new LazyKeyStore(() => inner);
    await expect(lazy.get('a')).rejects.toThrow(/keyring locked/);
    expect(lazy.lastError).toBe('keyring locked');
  });
});
