import type { AppCore } from '../../core/api/app-core.js';
import type { DeviceKeyStoreChoice } from '../../node/device-key-store.js';
import type { KeyStore } from '../../core/ports/key-store.js';

/** The device key store of a long-running process, chosen again when the OS key store appears. */
export class SwitchingKeyStore implements KeyStore {
  constructor(private current: DeviceKeyStoreChoice) {}

  get choice(): DeviceKeyStoreChoice {
    return this.current;
  }

  get backend(): string {
    return this.current.store.backend;
  }

  get replaces(): KeyStore | undefined {
    return this.current.store.replaces;
  }

  switchTo(choice: DeviceKeyStoreChoice): void {
    this.current = choice;
  }

  get(account: string): Promise<Uint8Array | null> {
    return this.current.store.get(account);
  }

  set(account: string, secret: Uint8Array): Promise<void> {
    return this.current.store.set(account, secret);
  }

  delete(account: string): Promise<void> {
    return this.current.store.delete(account);
  }
}

/**
 * The runner started without the OS key store (a keyring unlocked only after login, a session bus
 * not up yet) while the vault's device key is recorded there: nothing is watching. Each attempt
 * chooses the key store again and, once it is the OS key store, opens the vault again, which tries
 * the device key. Only while nothing watches and the owner has not unlocked. True when this attempt
 * started the scheduler.
 */
export async function retryKeyringUnlock(
  app: AppCore,
  keys: SwitchingKeyStore,
  choose: () => Promise<DeviceKeyStoreChoice>,
): Promise<boolean> {
  if (!keys.choice.fallbackReason || app.isWatching || app.isUiUnlocked || !app.exists()) return false;
  let recorded: string | null;
  try {
    recorded = app.vaultOrThrow().deviceKeyStatus().backend;
  } catch {
    return false; // not open (it could not be opened at all): nothing a key store changes
  }
  if (!recorded || recorded === keys.backend) return false;
  const again = await choose();
  if (again.fallbackReason || again.store.backend !== recorded) return false;
  keys.switchTo(again);
  if (app.isWatching || app.isUiUnlocked) return false;
  await app.close();
  await app.open();
  return app.isWatching;
}
