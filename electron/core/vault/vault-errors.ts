import { AfterwordError, IntegrityError } from '../errors.js';

export class WrongPasswordError extends AfterwordError {
  constructor() {
    super('WRONG_PASSWORD', 'wrong password (after 5 failed attempts each further one waits longer)');
  }
}

export class LockedOutError extends AfterwordError {
  constructor(readonly retryAfterMs: number) {
    super(
      'LOCKED_OUT',
      `too many wrong passwords: try again in ${formatWait(retryAfterMs)}, or unlock with the recovery key`,
    );
  }
}

/** Signing in over the network with the second factor on: the password alone is not enough. */
export class SecondFactorRequiredError extends AfterwordError {
  constructor() {
    super(
      'MFA_REQUIRED',
      'two-step sign-in is on: enter the 6-digit code from your authenticator app, or a recovery code',
    );
  }
}

/** A wrong, expired or already used code: counted like a wrong password. */
export class SecondFactorWrongError extends AfterwordError {
  constructor() {
    super(
      'MFA_CODE_WRONG',
      'that code is not right, or was already used: wait for the next code from your authenticator app, or use an unused recovery code',
    );
  }
}

export class RecoveryKeyWrongError extends AfterwordError {
  constructor() {
    super('RECOVERY_KEY_INVALID', 'this recovery key does not belong to this vault');
  }
}

export class VaultExistsError extends AfterwordError {
  constructor(dir: string) {
    super('VAULT_EXISTS', `a vault already exists in ${dir}; choose another directory with --vault`);
  }
}

export class VaultNotFoundError extends AfterwordError {
  constructor(dir: string) {
    super('VAULT_NOT_FOUND', `no vault in ${dir}: create one with \`afterword init\` or point --vault at it`);
  }
}

export class VaultLockedError extends AfterwordError {
  constructor() {
    super('VAULT_LOCKED', 'the vault is locked: unlock it first');
  }
}

export class DeviceKeyUnavailableError extends AfterwordError {
  constructor(reason: string) {
    super('VAULT_LOCKED', `unattended unlock is not available: ${reason}`);
  }
}

/**
 * No OS keyring that really protects a device key (Linux without a Secret Service or KWallet, where
 * Electron falls back to `basic_text`; or a keyring that is locked): not a locked vault, so not
 * VAULT_LOCKED, which would send the window back to its lock screen.
 */
export class NoKeyringError extends AfterwordError {
  constructor(reason: string) {
    super('NO_KEYRING', `no keyring on this system: ${reason}`);
  }
}

/** A key wrap whose secret was right (its verifier matched) but whose ciphertext does not open. */
export class KeyWrapTamperedError extends IntegrityError {
  constructor(kind: string) {
    super(`the ${kind} key wrap has been modified or corrupted`);
  }
}

/** A vault key handed over by a caller (a paired standby) that is not this vault's. */
export class VaultKeyWrongError extends IntegrityError {
  constructor(vaultId: string) {
    super(
      `the vault key given does not open vault ${vaultId}: pair again with the computer that holds this vault, or point at this vault's own bucket`,
    );
  }
}

export function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.ceil(minutes / 60)} h`;
}
