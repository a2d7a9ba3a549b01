import { AsyncEntry } from '@napi-rs/keyring';
import type { KeyStore } from '../core/ports/key-store.js';

/** The service name the device keys are stored under (the account is `vault-<id>`). */
export const KEYRING_SERVICE = 'Afterword';

/** A key store that does not answer within this time counts as unavailable (a prompt nobody sees). */
const DEFAULT_TIMEOUT_MS = 15_000;

const ACCOUNT = /^[A-Za-z0-9._-]{1,128}$/;

/** The backend name recorded beside the device-key wrap, per platform. */
export function keyringBackend(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'keyring:keychain';
  if (platform === 'win32') return 'keyring:credential-manager';
  return 'keyring:secret-service';
}

/**
 * Device keys in the OS key store through @napi-rs/keyring: the macOS Keychain, the Windows
 * Credential Manager, or the Secret Service on Linux (GNOME Keyring, KWallet). On Linux the entry is
 * pinned to the Secret Service: the library would otherwise fall back to the kernel keyring,
 * which forgets everything at a reboot — exactly when unattended delivery needs the key.
 */
export class OsKeyringKeyStore implements KeyStore {
  readonly backend: string;

  constructor(
    readonly replaces?: KeyStore,
    private readonly options: { service?: string; platform?: NodeJS.Platform; timeoutMs?: number } = {},
  ) {
    this.backend = keyringBackend(options.platform);
  }

  private entry(account: string): AsyncEntry {
    if (!ACCOUNT.test(account)) throw new Error(`invalid key-store account name: ${account}`);
    // The constructor itself fails where there is no D-Bus session to reach the Secret Service.
    return new AsyncEntry(this.options.service ?? KEYRING_SERVICE, account, { linux: { store: 'secret-service' } });
  }

  private signal(): AbortSignal {
    return AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  async get(account: string): Promise<Uint8Array | null> {
    const secret = await this.entry(account).getSecret(this.signal());
    return secret === null ? null : Uint8Array.from(secret);
  }

  async set(account: string, secret: Uint8Array): Promise<void> {
    await this.entry(account).setSecret(secret, this.signal());
  }

  async delete(account: string): Promise<void> {
    await this.entry(account).deleteCredential(this.signal());
  }
}
