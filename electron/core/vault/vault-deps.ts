import type { Clock } from '../ports/clock.js';
import type { KeyStore } from '../ports/key-store.js';
import type { ScryptParams } from '../crypto/kdf.js';

/**
 * A sign-in from the network (the runner): with two-step sign-in on, the password must come with
 * a code. Local unlocks (the desktop app, the CLI) pass none and need the password only.
 */
export interface RemoteSignIn {
  code: string | undefined;
}

export interface VaultDeps {
  clock: Clock;
  /** KDF cost for new password wraps; DEFAULT_SCRYPT unless a test or a slow device lowers it. */
  scrypt?: ScryptParams;
  /**
   * NEVER FOR REAL USE: the lowest KDF cost accepted, SCRYPT_FLOOR when absent. Only the CLI's
   * test knob (AFTERWORD_ALLOW_WEAK_KDF=1) lowers it, to TEST_SCRYPT_FLOOR.
   */
  kdfFloor?: ScryptParams;
  /**
   * Where this machine keeps each vault's high-water mark (outside the vault, next to the device
   * keys). Without it, a vault put back to an older copy cannot be noticed.
   */
  marks?: KeyStore;
  /** The owner restored an older copy on purpose: open it and move the mark back to it. */
  acceptOlderVault?: boolean;
  /** A short-lived command: on a full disk, open for reading anyway (see openDatabase). */
  readWhenFull?: boolean;
}
