import type { ErrorCode } from '../../../shared/error-codes.js';

/**
 * Documented in README: 0 ok, 1 invalid input or usage, 2 wrong password or locked out,
 * 3 integrity, 4 not found, 5 another process already runs the scheduler for this vault,
 * 6 the disk holding the vault is full or its files are read-only.
 */
export const EXIT = { ok: 0, usage: 1, auth: 2, integrity: 3, notFound: 4, busy: 5, storage: 6 } as const;

const BY_CODE: Record<ErrorCode, number> = {
  BAD_REQUEST: EXIT.usage,
  CONFLICT: EXIT.usage,
  VAULT_EXISTS: EXIT.usage,
  INTERNAL: EXIT.usage,
  WRONG_PASSWORD: EXIT.auth,
  LOCKED_OUT: EXIT.auth,
  RECOVERY_KEY_INVALID: EXIT.auth,
  MFA_REQUIRED: EXIT.auth,
  MFA_CODE_WRONG: EXIT.auth,
  VAULT_LOCKED: EXIT.auth,
  INTEGRITY: EXIT.integrity,
  VAULT_TOO_NEW: EXIT.integrity,
  NOT_FOUND: EXIT.notFound,
  VAULT_NOT_FOUND: EXIT.notFound,
  UNAUTHORIZED: EXIT.auth,
  FORBIDDEN: EXIT.auth,
  VAULT_BUSY: EXIT.busy,
  STORAGE_UNAVAILABLE: EXIT.storage,
  NO_KEYRING: EXIT.usage,
  SETUP_TOKEN_REQUIRED: EXIT.auth,
  BACKUP_NOT_CONFIGURED: EXIT.usage,
  BACKUP_TARGET_FAILED: EXIT.usage,
  STANDBY_UNSUPPORTED_SERVER: EXIT.usage,
};

export function exitCodeFor(code: ErrorCode): number {
  return BY_CODE[code];
}
