import type { KeyStore } from '../ports/key-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import { randomBytes } from '../crypto/aead.js';
import type { VaultDb } from '../db/open-database.js';
import { deviceBackendOf, unwrapWithDeviceKey, wrapWithDeviceKey, type WrapContext } from './key-wraps.js';
import type { KeyWrapStore } from './key-wrap-store.js';
import { DeviceKeyUnavailableError } from './vault-errors.js';

/** What the device-key part needs from the vault it belongs to. */
export interface DeviceUnlockDeps {
  readonly db: VaultDb;
  readonly audit: AuditLog;
  readonly wraps: KeyWrapStore;
  readonly ctx: WrapContext;
  /** The vault key in memory; throws VaultLockedError while locked. */
  vaultKey(): Uint8Array;
  /** Takes the unwrapped vault key in: the vault is unlocked, as by the device key. */
  unlock(key: Uint8Array): Promise<void>;
}

/**
 * Unattended delivery: a random device key, kept in a key store of this machine (the OS key
 * store, Electron's safeStorage, or a 0600 file), wraps the vault key so that the scheduler can
 * open the vault without the password.
 */
export class DeviceUnlock {
  constructor(private readonly deps: DeviceUnlockDeps) {}

  private get account(): string {
    return `vault-${this.deps.ctx.vaultId}`;
  }

  async enable(store: KeyStore): Promise<void> {
    const vaultKey = this.deps.vaultKey();
    let deviceKey = await store.get(this.account);
    if (!deviceKey || deviceKey.length !== 32) {
      deviceKey = randomBytes(32);
      await store.set(this.account, deviceKey);
      const readBack = await store.get(this.account);
      if (!readBack || Buffer.compare(Buffer.from(readBack), Buffer.from(deviceKey)) !== 0) {
        throw new DeviceKeyUnavailableError(`the ${store.backend} key store did not return what was stored`);
      }
    }
    const wrap = wrapWithDeviceKey(vaultKey, deviceKey, store.backend, this.deps.ctx);
    this.deps.db.q.transaction(() => {
      this.deps.wraps.put(wrap);
      this.deps.audit.append({ action: 'vault.device_key_enabled', detail: { backend: store.backend } });
    });
    // A copy left in the store this one replaces (an earlier 0600 file) is no longer the one in use.
    await store.replaces?.delete(this.account).catch(() => undefined);
  }

  async disable(store: KeyStore): Promise<void> {
    this.deps.vaultKey(); // throws while locked
    this.deps.db.q.transaction(() => {
      this.deps.wraps.delete('device');
      this.deps.audit.append({ action: 'vault.device_key_disabled' });
    });
    await store.delete(this.account);
    await store.replaces?.delete(this.account);
  }

  status(): { enabled: boolean; backend: string | null } {
    const row = this.deps.wraps.find('device');
    return { enabled: row !== undefined, backend: row ? deviceBackendOf(row) : null };
  }

  async unlock(store: KeyStore): Promise<void> {
    const row = this.deps.wraps.find('device');
    if (!row) throw new DeviceKeyUnavailableError('it was not enabled for this vault');
    const recorded = deviceBackendOf(row);
    // A key enabled in the files stays there, even once an OS key store is around: a login keyring
    // is locked after a reboot until someone logs in, and a switch must not stop because a command
    // run from a desktop session moved its key. `unattended enable` moves it, on purpose.
    if (recorded !== store.backend && store.replaces?.backend === recorded) return this.unlock(store.replaces);
    if (recorded !== store.backend) {
      throw new DeviceKeyUnavailableError(
        `the key store changed from "${recorded}" to "${store.backend}"; unlock with the password and enable it again`,
      );
    }
    let deviceKey: Uint8Array | null;
    try {
      deviceKey = await store.get(this.account);
    } catch (error) {
      throw new DeviceKeyUnavailableError(`the ${store.backend} key store failed: ${(error as Error).message}`);
    }
    if (!deviceKey)
      throw new DeviceKeyUnavailableError(`the device key is missing from the ${store.backend} key store`);
    const key = unwrapWithDeviceKey(row, deviceKey, this.deps.ctx);
    if (!key) throw new DeviceKeyUnavailableError('the device key in the key store does not belong to this vault');
    await this.deps.unlock(key);
    // An enable cut short after the wrap changed leaves the old copy behind: not the key in use.
    await store.replaces?.delete(this.account).catch(() => undefined);
  }
}
