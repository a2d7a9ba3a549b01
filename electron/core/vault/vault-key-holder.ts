import type { AuditLog } from '../audit/audit-log.js';
import type { ContentKey } from '../crypto/envelope.js';
import { hkdfSha256 } from '../crypto/hkdf.js';
import { VaultLockedError } from './vault-errors.js';

/** The key that seals the audit log, derived from the vault key. */
export function auditKeyOf(vaultKey: Uint8Array, vaultId: string): Uint8Array {
  return hkdfSha256(vaultKey, new TextEncoder().encode(vaultId), 'afterword/audit/v1');
}

/**
 * The vault key in memory while the vault is unlocked, and the audit log's key derived from it.
 * Services built while unlocked keep the ContentKey they were given; once the vault is locked its
 * getter throws VaultLockedError instead of handing out zeroed bytes (which would look like tampering).
 */
export class VaultKeyHolder {
  private key: ContentKey | null = null;
  private zeroKey: (() => void) | null = null;

  constructor(
    private readonly keyId: Uint8Array,
    private readonly vaultId: string,
    private readonly audit: AuditLog,
  ) {}

  get isSet(): boolean {
    return this.key !== null;
  }

  /** The key that seals and opens content. Throws while locked. */
  get contentKey(): ContentKey {
    if (!this.key) throw new VaultLockedError();
    return this.key;
  }

  set(vaultKey: Uint8Array): void {
    if (this.key) {
      // Already unlocked (password change, recovery): the vault key never changes, so services
      // keep working with the object they hold; the fresh copy is not needed.
      vaultKey.fill(0);
      return;
    }
    let valid = true;
    this.key = {
      id: this.keyId,
      get key(): Uint8Array {
        if (!valid) throw new VaultLockedError();
        return vaultKey;
      },
    };
    this.zeroKey = () => {
      valid = false;
      vaultKey.fill(0);
    };
    this.audit.setKey(auditKeyOf(vaultKey, this.vaultId));
  }

  /** Forgets and zeroes the key. */
  clear(): void {
    this.key = null;
    this.zeroKey?.();
    this.zeroKey = null;
    this.audit.setKey(null);
  }
}
