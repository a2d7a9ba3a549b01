/**
 * A device-bound secret store (OS keychain, Electron safeStorage, or a 0600 file). It holds the
 * device key that wraps the vault key, so the scheduler can deliver while the UI is locked.
 */
export interface KeyStore {
  /** Human-readable backend name, recorded beside the wrap so a silent backend change is caught. */
  readonly backend: string;
  /**
   * A store this one supersedes (the 0600 files an OS key store replaces): a device key recorded
   * there keeps being read from there; enabling the device key again moves it here (and deletes
   * the copy there).
   */
  readonly replaces?: KeyStore;
  get(account: string): Promise<Uint8Array | null>;
  set(account: string, secret: Uint8Array): Promise<void>;
  delete(account: string): Promise<void>;
}
