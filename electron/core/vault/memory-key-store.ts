import type { KeyStore } from '../ports/key-store.js';

/** A key store that lives as long as the process: for what is written only to be picked up again at once. */
export class MemoryKeyStore implements KeyStore {
  readonly backend = 'memory';
  private readonly secrets = new Map<string, Uint8Array>();

  get(account: string): Promise<Uint8Array | null> {
    const secret = this.secrets.get(account);
    return Promise.resolve(secret ? secret.slice() : null);
  }

  set(account: string, secret: Uint8Array): Promise<void> {
    this.secrets.set(account, secret.slice());
    return Promise.resolve();
  }

  delete(account: string): Promise<void> {
    this.secrets.delete(account);
    return Promise.resolve();
  }
}
