import type { AuditLog } from '../audit/audit-log.js';
import { DEFAULT_SCRYPT, SCRYPT_FLOOR, type ScryptParams } from '../crypto/kdf.js';
import type { VaultDb } from '../db/open-database.js';
import { BadRequestError } from '../errors.js';
import { unwrapWithPassword, type WrapContext } from './key-wraps.js';
import type { KeyWrapStore } from './key-wrap-store.js';
import type { SecondFactorCheck, SecondFactorUsed } from './second-factor-check.js';
import type { UnlockGuard } from './unlock-guard.js';
import type { RemoteSignIn } from './vault-deps.js';
import { WrongPasswordError } from './vault-errors.js';
import { whereWritable } from './where-writable.js';

/** What the password check needs from the vault it belongs to. */
export interface PasswordCheckDeps {
  readonly db: VaultDb;
  readonly audit: AuditLog;
  readonly guard: UnlockGuard;
  readonly wraps: KeyWrapStore;
  readonly ctx: WrapContext;
  readonly secondFactors: SecondFactorCheck;
  /** The KDF cost new passwords are wrapped at (the default when not given). */
  readonly scrypt?: ScryptParams;
  /** The lowest KDF cost a wrap may have to be opened (tests lower it). */
  readonly kdfFloor?: ScryptParams;
}

/** The vault key a password unwrapped, and the second factor that came with it (remote sign-ins). */
export interface PasswordProof {
  key: Uint8Array;
  secondFactor: SecondFactorUsed;
}

/** Proves the password behind the unlock guard's backoff, one attempt at a time. */
export class PasswordCheck {
  private attempts: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: PasswordCheckDeps) {}

  /**
   * Unwraps with the password, counting failures; returns the vault key. Attempts run one at a
   * time: concurrent ones would all pass the guard before any failure is counted.
   */
  check(password: string, remote?: RemoteSignIn): Promise<PasswordProof> {
    const attempt = this.attempts.then(() => this.attempt(password, remote));
    this.attempts = attempt.catch(() => undefined);
    return attempt;
  }

  /** A new password's KDF cost, never below the real floor (the tests' weaker floor makes new vaults only). */
  newPasswordCost(): ScryptParams {
    const cost = this.deps.scrypt ?? DEFAULT_SCRYPT;
    if (cost.logN < SCRYPT_FLOOR.logN) {
      throw new BadRequestError(
        `a new password is wrapped at scrypt cost ${SCRYPT_FLOOR.logN} or more: unset AFTERWORD_SCRYPT_LOGN and try again`,
      );
    }
    return cost;
  }

  /**
   * Attempts within this process are serialized (see check), so the runner's login and the app
   * count every guess. Attempts are counted after scrypt: counting them up front would lock out
   * correct, concurrent unlocks (a cron tick beside the app) and killed ones. Parallel processes
   * on the same machine could overlap here, but whoever can start them can also copy the vault
   * file and guess offline, which only scrypt slows down.
   */
  private async attempt(password: string, remote?: RemoteSignIn): Promise<PasswordProof> {
    const { db, audit, guard, wraps, ctx, kdfFloor } = this.deps;
    const refused = db.q.transaction(() => guard.check());
    if (refused) throw refused;
    const key = await unwrapWithPassword(wraps.get('password'), password, ctx, kdfFloor);
    if (!key) {
      whereWritable(db, () => {
        const failures = guard.recordFailure();
        audit.append({ action: 'vault.unlock_failed', detail: { method: 'password', failures } });
      });
      throw new WrongPasswordError();
    }
    if (!remote) return { key, secondFactor: {} };
    return { key, secondFactor: this.deps.secondFactors.forSignIn(key, remote.code) };
  }
}
