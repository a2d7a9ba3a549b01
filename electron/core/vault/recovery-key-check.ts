import type { AuditLog } from '../audit/audit-log.js';
import { parseRecoveryKey } from '../crypto/recovery-key.js';
import type { VaultDb } from '../db/open-database.js';
import { unwrapWithRecoveryKey, type WrapContext } from './key-wraps.js';
import type { KeyWrapStore } from './key-wrap-store.js';
import { FREE_ATTEMPTS, type UnlockGuard } from './unlock-guard.js';
import { RecoveryKeyWrongError } from './vault-errors.js';
import { whereWritable } from './where-writable.js';

/** What the recovery-key check needs from the vault it belongs to. */
export interface RecoveryKeyCheckDeps {
  readonly db: VaultDb;
  readonly audit: AuditLog;
  /** Wrong recovery keys: the same backoff as passwords, counted apart. */
  readonly guard: UnlockGuard;
  readonly wraps: KeyWrapStore;
  readonly ctx: WrapContext;
}

/** Proves a recovery key: the emergency stop, and a new password when the old one is lost. */
export class RecoveryKeyCheck {
  constructor(private readonly deps: RecoveryKeyCheckDeps) {}

  /**
   * Unwraps with the recovery key behind its own backoff (five free attempts, then 30 s doubling
   * up to an hour); returns the vault key. Failures are counted in the guard; the audit log gets
   * the first few and then every tenth, with the count, so that guessing cannot grow the file
   * without limit. `guarded` false: the owner proved the password already, no backoff applies.
   */
  check(recoveryKeyText: string, guarded = true): Uint8Array {
    const { db, audit, guard } = this.deps;
    const refused = guarded ? db.q.transaction(() => guard.check()) : null;
    if (refused) throw refused;
    const entropy = parseRecoveryKey(recoveryKeyText);
    const key = unwrapWithRecoveryKey(this.deps.wraps.get('recovery'), entropy, this.deps.ctx);
    if (!key) {
      if (!guarded) {
        whereWritable(db, () =>
          audit.append({ action: 'vault.unlock_failed', detail: { method: 'recovery', ownerSignedIn: true } }),
        );
        throw new RecoveryKeyWrongError();
      }
      whereWritable(db, () => {
        const failures = guard.recordFailure();
        if (failures <= FREE_ATTEMPTS || failures % 10 === 0) {
          audit.append({ action: 'vault.unlock_failed', detail: { method: 'recovery', failures } });
        }
      });
      throw new RecoveryKeyWrongError();
    }
    whereWritable(db, () => guard.reset());
    return key;
  }
}
