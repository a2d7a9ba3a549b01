import type { ErrorCode } from '../../../shared/error-codes.js';

/** The HTTP status of an error Reply; the Reply itself (code and message) is the body. */
const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  WRONG_PASSWORD: 401,
  RECOVERY_KEY_INVALID: 401,
  MFA_REQUIRED: 401,
  MFA_CODE_WRONG: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VAULT_NOT_FOUND: 404,
  CONFLICT: 409,
  VAULT_EXISTS: 409,
  VAULT_BUSY: 409,
  VAULT_LOCKED: 423,
  LOCKED_OUT: 429,
  INTERNAL: 500,
  INTEGRITY: 500,
  VAULT_TOO_NEW: 500,
  STORAGE_UNAVAILABLE: 503,
  NO_KEYRING: 503,
  SETUP_TOKEN_REQUIRED: 403,
  BACKUP_NOT_CONFIGURED: 409,
  BACKUP_TARGET_FAILED: 503,
  STANDBY_UNSUPPORTED_SERVER: 409,
};

export type HttpStatus = 200 | 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 423 | 429 | 500 | 503;

export function httpStatusFor(code: ErrorCode): HttpStatus {
  return STATUS[code] as HttpStatus;
}
