import type { Clock } from '../ports/clock.js';
import { createVaultServices, type VaultServices } from '../services.js';
import { Vault } from '../vault/vault.js';

/** A followed copy opened for reading: its content services, and close() when done. */
export interface FollowedCopy {
  vault: Vault;
  services: VaultServices;
  close(): Promise<void>;
}

/**
 * Opens the local copy a SnapshotFollower keeps, read-only, with the vault key (Vault.openReadOnlyCopy):
 * plans, their states and levels, the outbox with its receipts, the audit log, as the primary had
 * them at the applied snapshot. Every write throws, and no scheduler is built on it here. After a
 * swap (the follower's 'swapped' event) close it and open it again to see the newer snapshot.
 */
export async function openFollowedCopy(
  dir: string,
  vaultKey: Uint8Array,
  deps: { clock: Clock },
): Promise<FollowedCopy> {
  const vault = await Vault.openReadOnlyCopy(dir, vaultKey, deps);
  return { vault, services: createVaultServices(vault, deps.clock), close: () => vault.close() };
}
