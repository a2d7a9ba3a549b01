import type { Clock } from '../ports/clock.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ContentKey } from '../crypto/envelope.js';
import type { VaultDb } from '../db/open-database.js';
import { SecondFactor } from './second-factor.js';
import type { UnlockGuard } from './unlock-guard.js';
import { SecondFactorRequiredError, SecondFactorWrongError } from './vault-errors.js';
import { whereWritable } from './where-writable.js';

/** Which second factor a sign-in used, for its audit row (none: two-step sign-in is off or local). */
export interface SecondFactorUsed {
  secondFactor?: 'totp' | 'recovery';
}

/** What the second-factor checks need from the vault they belong to. */
export interface SecondFactorCheckDeps {
  readonly db: VaultDb;
  readonly audit: AuditLog;
  /** The password's backoff, which wrong codes count in as well. */
  readonly guard: UnlockGuard;
  readonly clock: Clock;
  readonly keyId: Uint8Array;
  /** The unlocked vault's key; throws VaultLockedError while locked. */
  contentKey(): ContentKey;
}

/** Two-step sign-in for the runner: the code that must come with the password over the network. */
export class SecondFactorCheck {
  constructor(private readonly deps: SecondFactorCheckDeps) {}

  /** The TOTP store; the unlocked vault's key unless one is given. */
  store(key: ContentKey = this.deps.contentKey()): SecondFactor {
    return new SecondFactor(this.deps.db, key, this.deps.clock);
  }

  /**
   * The second factor of a remote sign-in, once the password proved right. A missing code is
   * only asked for (not counted: the form asks for the password first); a wrong or replayed one
   * counts as a failed attempt in the same backoff as a wrong password. `key` is zeroed on refusal.
   */
  forSignIn(key: Uint8Array, code: string | undefined): SecondFactorUsed {
    const verdict = this.deps.db.q.transaction(() => this.store({ id: this.deps.keyId, key }).consume(code));
    if (verdict === 'off') return {};
    if (verdict === 'totp' || verdict === 'recovery') return { secondFactor: verdict };
    key.fill(0);
    if (verdict === 'missing') throw new SecondFactorRequiredError();
    throw this.refuse();
  }

  /**
   * Proves a second-factor code while unlocked (to turn it off), behind the password's backoff;
   * the code is used up.
   */
  verify(code: string): void {
    const refused = this.deps.db.q.transaction(() => this.deps.guard.check());
    if (refused) throw refused;
    const verdict = this.deps.db.q.transaction(() => this.store().consume(code));
    if (verdict === 'missing' || verdict === 'wrong') throw this.refuse();
    whereWritable(this.deps.db, () => this.deps.guard.reset());
  }

  private refuse(): SecondFactorWrongError {
    whereWritable(this.deps.db, () => {
      const failures = this.deps.guard.recordFailure();
      this.deps.audit.append({
        action: 'vault.unlock_failed',
        detail: { method: 'password', secondFactor: 'wrong', failures },
      });
    });
    return new SecondFactorWrongError();
  }
}
