import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { BadRequestError } from '../core/errors.js';
import { NoKeyringError } from '../core/vault/vault-errors.js';
import type { KeyStore } from '../core/ports/key-store.js';
import { FileKeyStore } from './file-key-store.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Said wherever the device key ends up in the 0600 file (as the README and the Security screen say it). */
export const FILE_KEY_WARNING =
  'the device key is kept in a file only your user can read: anyone who can read your files can then open the vault, so use full-disk encryption';

export interface DeviceKeyStoreChoice {
  store: KeyStore;
  /** Where a key in `store` lives, for people: the key store's name or the file's folder. */
  where: string;
  /** Why the OS key store is not used (null when it is). */
  fallbackReason: string | null;
}

export interface ChooseOptions {
  env: Env;
  /** The 0600 files' folder (defaultKeyDir). */
  keyDir: string;
  platform?: NodeJS.Platform;
  uid?: number;
  /** Builds the OS key store (tests pass one with another service name or timeout). */
  keyring?: (file: FileKeyStore) => KeyStore;
}

/**
 * Without DBUS_SESSION_BUS_ADDRESS (cron, a bare ssh session) a logged-in user's session bus is
 * still at the systemd default; point this process at it so the Secret Service can be reached.
 */
function adoptSessionBus(env: Env, platform: NodeJS.Platform, uid: number | undefined): void {
  if (platform !== 'linux' || env.DBUS_SESSION_BUS_ADDRESS || uid === undefined || env !== process.env) return;
  const bus = `/run/user/${uid}/bus`;
  if (existsSync(bus)) process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${bus}`;
}

/** Writes, reads back and deletes a throw-away entry: a locked or absent key store fails here. */
async function probe(store: KeyStore): Promise<void> {
  const account = `probe-${randomBytes(6).toString('hex')}`;
  const secret = new Uint8Array(randomBytes(16));
  await store.set(account, secret);
  try {
    const back = await store.get(account);
    if (!back || Buffer.compare(Buffer.from(back), Buffer.from(secret)) !== 0)
      throw new Error('it did not return what was stored');
  } finally {
    await store.delete(account).catch(() => undefined);
  }
}

function describeFailure(error: unknown, env: Env, platform: NodeJS.Platform): string {
  const message = (error as Error)?.message ?? String(error);
  if (platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS && /dbus|d-bus/i.test(message))
    return 'no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)';
  if (/secret service|org\.freedesktop\.secrets|ServiceUnknown/i.test(message))
    return `no usable Secret Service (GNOME Keyring, KWallet): ${message}`;
  return `the OS key store failed: ${message}`;
}

/**
 * The device key store for the runner and the CLI: the OS key store when it works (a round trip
 * of a throw-away entry), else the 0600 files with the reason. AFTERWORD_KEY_STORE=file chooses
 * the files outright; AFTERWORD_KEY_STORE=keyring refuses to fall back. A key already in the files
 * stays there (the returned store `replaces` them: it reads it there) until enabled again.
 */
export async function chooseDeviceKeyStore(options: ChooseOptions): Promise<DeviceKeyStoreChoice> {
  const { env, keyDir } = options;
  const platform = options.platform ?? process.platform;
  const file = new FileKeyStore(keyDir);
  const fallback = (reason: string): DeviceKeyStoreChoice => ({ store: file, where: keyDir, fallbackReason: reason });
  const wanted = env.AFTERWORD_KEY_STORE;
  if (wanted !== undefined && wanted !== 'file' && wanted !== 'keyring') {
    throw new BadRequestError(`AFTERWORD_KEY_STORE must be "keyring" or "file", not "${wanted}"`);
  }
  if (wanted === 'file') return fallback('AFTERWORD_KEY_STORE=file');
  adoptSessionBus(env, platform, options.uid ?? process.getuid?.());
  let keyring: KeyStore | undefined;
  try {
    // Loaded only here: the native module is not needed when the files are chosen outright.
    keyring = options.keyring
      ? options.keyring(file)
      : new (await import('./os-keyring-key-store.js')).OsKeyringKeyStore(file, { platform });
    await probe(keyring);
  } catch (error) {
    const reason = describeFailure(error, env, platform);
    if (wanted === 'keyring') throw new NoKeyringError(`AFTERWORD_KEY_STORE=keyring, but ${reason}`);
    return fallback(reason);
  }
  return { store: keyring, where: `the OS key store (${keyring.backend})`, fallbackReason: null };
}
