// Test helper: a real vault (SQLite file, blobs) in a fresh temporary directory, unlocked, with
// its content services and the team's cheapest accepted KDF cost. Only for *.test.ts files.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from './manual-clock.js';
import { initializeVaultContent } from '../engine.js';
import { createVaultServices, type VaultServices } from '../services.js';
import { Vault } from '../vault/vault.js';

export const TEST_PASSWORD = 'correct horse battery staple';
/** 2025-03-01T09:00:00Z */
export const T0 = Date.UTC(2025, 2, 1, 9, 0, 0);

export interface TestVault {
  root: string;
  clock: ManualClock;
  vault: Vault;
  services: VaultServices;
  /** Closes the vault (if open) and removes the directory. */
  dispose(): Promise<void>;
}

export async function createTestVault(
  options: { clock?: ManualClock; prefix?: string; initialize?: boolean } = {},
): Promise<TestVault> {
  const root = await mkdtemp(join(tmpdir(), options.prefix ?? 'afterword-test-'));
  const clock = options.clock ?? new ManualClock(T0);
  const { vault } = await Vault.create(join(root, 'vault'), TEST_PASSWORD, { clock, scrypt: { logN: 15, r: 8, p: 1 } });
  const services = createVaultServices(vault, clock);
  if (options.initialize ?? true) initializeVaultContent(services);
  return {
    root,
    clock,
    vault,
    services,
    async dispose() {
      if (vault.db.sqlite.open) await vault.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** An async iterable of one buffer, for AttachmentStore.stage. */
export async function* bytesOf(data: Uint8Array, chunk = 16 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, Math.min(data.length, i + chunk));
}
