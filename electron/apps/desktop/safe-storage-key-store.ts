import { DeviceKeyUnavailableError, NoKeyringError } from '../../core/vault/vault-errors.js';
import type { KeyStore } from '../../core/ports/key-store.js';
import type { BlobFileStore } from '../../node/secret-file-store.js';

/**
 * The part of Electron's `safeStorage` this store uses (injected, so it runs in plain Node tests):
 * the asynchronous API. The synchronous isEncryptionAvailable / encryptString / decryptString are
 * deprecated in Electron's typings; the async ones also read what the sync ones wrote.
 */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  /** Linux only; the other platforms do not have it. */
  getSelectedStorageBackend?(): string;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

export interface SafeStorageKeyStoreDeps {
  safeStorage: SafeStorageLike;
  /** Where the encrypted blobs live (a 0700 directory of 0600 files: SecretFileStore). */
  files: BlobFileStore;
  platform?: NodeJS.Platform;
}

const FORMAT_VERSION = 1;

/** Stored per account: the ciphertext and the backend that made it, so a switch is caught here too. */
interface StoredKey {
  v: typeof FORMAT_VERSION;
  backend: string;
  ciphertext: string;
}

const INSTALL_KEYRING =
  'install and unlock GNOME Keyring or KWallet (or start Afterword with --password-store=gnome-libsecret or --password-store=kwallet5), or keep Afterword unlocked';

/**
 * The recorded backend name, e.g. `safeStorage:gnome_libsecret`, `safeStorage:kwallet5`,
 * `safeStorage:darwin`. Throws NoKeyringError (with what to do) where safeStorage would not really
 * protect the key.
 */
export async function safeStorageBackend(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): Promise<string> {
  let name: string = platform;
  if (platform === 'linux') {
    name = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (name === 'basic_text') {
      throw new NoKeyringError(
        'Electron safeStorage found no keyring on this desktop and would fall back to "basic_text" (a fixed, ' +
          `public password), so anyone who copies your files could read the device key; Afterword refuses it. To deliver unattended, ${INSTALL_KEYRING}`,
      );
    }
    if (name === 'unknown') {
      throw new NoKeyringError(
        `Electron safeStorage did not name a supported keyring ("unknown"). To deliver unattended, ${INSTALL_KEYRING}`,
      );
    }
  }
  if (!(await safeStorage.isAsyncEncryptionAvailable())) {
    throw new NoKeyringError(
      `the OS key store (${name}) is not available right now: unlock your keyring or log in again, then retry`,
    );
  }
  return `safeStorage:${name}`;
}

/** A KeyStore over Electron safeStorage: secrets are encrypted by the OS key store, then kept as files. */
export class SafeStorageKeyStore implements KeyStore {
  private constructor(
    readonly backend: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly files: BlobFileStore,
  ) {}

  /** Rejects with NoKeyringError on `basic_text`, `unknown` or an unavailable key store. */
  static async create(deps: SafeStorageKeyStoreDeps): Promise<SafeStorageKeyStore> {
    return new SafeStorageKeyStore(
      await safeStorageBackend(deps.safeStorage, deps.platform),
      deps.safeStorage,
      deps.files,
    );
  }

  async get(account: string): Promise<Uint8Array | null> {
    const raw = await this.files.read(account);
    if (!raw) return null;
    let stored: StoredKey;
    try {
      stored = JSON.parse(Buffer.from(raw).toString('utf8')) as StoredKey;
    } catch {
      throw new Error(`the stored device key "${account}" is damaged (not readable)`);
    }
    if (stored?.v !== FORMAT_VERSION || typeof stored.ciphertext !== 'string' || typeof stored.backend !== 'string') {
      throw new Error(`the stored device key "${account}" has an unknown format`);
    }
    if (stored.backend !== this.backend) {
      throw new Error(`the device key was stored with ${stored.backend}, but this session uses ${this.backend}`);
    }
    const { result, shouldReEncrypt } = await this.safeStorage.decryptStringAsync(
      Buffer.from(stored.ciphertext, 'base64'),
    );
    const secret = new Uint8Array(Buffer.from(result, 'base64'));
    // The OS rotated its key: store the secret under the new one (best effort, the old still opens).
    if (shouldReEncrypt) await this.set(account, secret).catch(() => undefined);
    return secret;
  }

  async set(account: string, secret: Uint8Array): Promise<void> {
    const ciphertext = await this.safeStorage.encryptStringAsync(Buffer.from(secret).toString('base64'));
    const stored: StoredKey = { v: FORMAT_VERSION, backend: this.backend, ciphertext: ciphertext.toString('base64') };
    await this.files.write(account, new TextEncoder().encode(JSON.stringify(stored)));
  }

  async delete(account: string): Promise<void> {
    await this.files.remove(account);
  }
}

export const SELF_TEST_ACCOUNT = 'afterword-self-test';

/**
 * Set, get back, compare, delete: a key store that cannot round-trip a random secret is not used
 * (Joplin's keychain self-test). Throws DeviceKeyUnavailableError saying what failed.
 */
export async function selfTestKeyStore(store: KeyStore, random: (n: number) => Uint8Array): Promise<void> {
  const probe = random(32);
  try {
    await store.set(SELF_TEST_ACCOUNT, probe);
    const back = await store.get(SELF_TEST_ACCOUNT);
    if (!back || Buffer.compare(Buffer.from(back), Buffer.from(probe)) !== 0) {
      throw new DeviceKeyUnavailableError(`the ${store.backend} key store did not return what was stored`);
    }
  } catch (error) {
    if (error instanceof DeviceKeyUnavailableError) throw error;
    throw new DeviceKeyUnavailableError(
      `the ${store.backend} key store failed its self-test: ${(error as Error).message}`,
    );
  } finally {
    await store.delete(SELF_TEST_ACCOUNT).catch(() => undefined);
  }
}
