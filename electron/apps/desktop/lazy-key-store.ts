import { AfterwordError } from '../../core/errors.js';
import { DeviceKeyUnavailableError } from '../../core/vault/vault-errors.js';
import type { KeyStore } from '../../core/ports/key-store.js';

/**
 * The device key store for AppCore, built on first need and built again after a failure (the
 * keyring may be unlocked by then). Building may fail for good reasons (safeStorage refuses
 * `basic_text`); then every use fails with that reason, typed, and `problem` says it for the tray.
 *
 * `backend` is synchronous in the port, so call `ready()` before anything that reads it first
 * (AppCore.open, which tries the device key); `get`/`set`/`delete` build the store themselves.
 */
export class LazyKeyStore implements KeyStore {
  private store: KeyStore | null = null;
  private building: Promise<KeyStore> | null = null;
  private failure: AfterwordError | null = null;
  private lastGetError: string | null = null;

  constructor(private readonly build: () => KeyStore | Promise<KeyStore>) {}

  /** Builds the store if it is not built yet; false (and `problem` set) if that failed. Never throws. */
  async ready(): Promise<boolean> {
    try {
      await this.require();
      return true;
    } catch {
      return false;
    }
  }

  /** Whether the store has been built (then a failing device key is not about the keyring's absence). */
  get built(): boolean {
    return this.store !== null;
  }

  /** Why the store cannot be used, or null. */
  get problem(): string | null {
    return this.store ? null : (this.failure?.message ?? null);
  }

  /** The last error the store gave when asked for a key (null after a successful read). */
  get lastError(): string | null {
    return this.lastGetError;
  }

  get backend(): string {
    if (this.store) return this.store.backend;
    throw this.failure ?? new DeviceKeyUnavailableError('the device key store is not ready yet');
  }

  async get(account: string): Promise<Uint8Array | null> {
    const store = await this.require();
    try {
      const value = await store.get(account);
      this.lastGetError = null;
      return value;
    } catch (error) {
      this.lastGetError = (error as Error)?.message ?? String(error);
      throw error;
    }
  }

  async set(account: string, secret: Uint8Array): Promise<void> {
    await (await this.require()).set(account, secret);
  }

  async delete(account: string): Promise<void> {
    await (await this.require()).delete(account);
  }

  private require(): Promise<KeyStore> {
    if (this.store) return Promise.resolve(this.store);
    if (!this.building) {
      // Cleared once settled, so a failure is tried again on the next use. (Not in a `finally`
      // inside the async function: a build that throws synchronously would settle before the
      // assignment and leave the failed promise here for good.)
      const building = this.attempt();
      this.building = building;
      building.then(
        () => (this.building = null),
        () => (this.building = null),
      );
    }
    return this.building;
  }

  private async attempt(): Promise<KeyStore> {
    try {
      const store = await this.build();
      this.store = store;
      this.failure = null;
      return store;
    } catch (error) {
      this.failure =
        error instanceof AfterwordError
          ? error
          : new DeviceKeyUnavailableError((error as Error)?.message ?? String(error));
      throw this.failure;
    }
  }
}
