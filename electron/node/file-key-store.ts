import type { KeyStore } from '../core/ports/key-store.js';
import { SecretFileStore } from './secret-file-store.js';

/**
 * Device keys as 0600 `<account>.key` files in a 0700 directory outside the vault. Protects against
 * other users of the machine, not against someone who can read this user's files (the OS keychain
 * does better, and is used where available).
 */
export class FileKeyStore implements KeyStore {
  readonly backend = 'file';
  private readonly files: SecretFileStore;

  constructor(dir: string) {
    this.files = new SecretFileStore(dir, '.key');
  }

  get(account: string): Promise<Uint8Array | null> {
    return this.files.read(account);
  }

  set(account: string, secret: Uint8Array): Promise<void> {
    return this.files.write(account, secret);
  }

  delete(account: string): Promise<void> {
    return this.files.remove(account);
  }
}
