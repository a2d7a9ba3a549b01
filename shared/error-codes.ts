/**
 * Stable error codes: the only error vocabulary that crosses a boundary (CLI exit codes,
 * RPC replies, UI messages). Never rename one; add new ones at the end.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'CONFLICT',
  'VAULT_EXISTS',
  'WRONG_PASSWORD',
  'LOCKED_OUT',
  'RECOVERY_KEY_INVALID',
  'INTEGRITY',
  'VAULT_TOO_NEW',
  'NOT_FOUND',
  'VAULT_NOT_FOUND',
  'VAULT_LOCKED',
  'INTERNAL',
  'UNAUTHORIZED',
  'FORBIDDEN',
  /** Another process (the desktop app, `serve` or `run`) already schedules and sends for this vault. */
  'VAULT_BUSY',
  /** The disk holding the vault is full, or its files are read-only: the data is fine, nothing can be written. */
  'STORAGE_UNAVAILABLE',
  'NO_KEYRING',
  /** Signing in to the runner with two-step sign-in on: a code is needed besides the password. */
  'MFA_REQUIRED',
  /** The two-step sign-in code is wrong or was already used (counted like a wrong password). */
  'MFA_CODE_WRONG',
  /** Creating the vault of a runner needs the one-time setup token it printed on its console. */
  'SETUP_TOKEN_REQUIRED',
  /** No backup target is set up (`afterword backup target s3 …`, or under Backup). */
  'BACKUP_NOT_CONFIGURED',
  /** The bucket refused or could not be reached: the message carries the server's answer. */
  'BACKUP_TARGET_FAILED',
  /** The bucket's server ignores conditional writes (If-None-Match / If-Match): no standby runner on it. */
  'STANDBY_UNSUPPORTED_SERVER',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
