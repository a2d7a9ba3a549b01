import { mkdir } from 'node:fs/promises';
import { Vault } from '../core/vault/vault.js';
import { VaultNotFoundError } from '../core/vault/vault-errors.js';
import { VaultProcessLock } from '../node/vault-process-lock.js';
import type { CliContext } from './cli-context.js';

/**
 * Takes the vault's scheduler lock for a command that ticks and sends (VaultBusyError when the
 * desktop app, `serve` or `run` has it). `serve` may start before the vault exists (it is created
 * in the browser), so it makes the private directory; the others need the vault.
 */
export async function holdVault(ctx: CliContext, program: 'serve' | 'run' | 'tick'): Promise<VaultProcessLock> {
  if (program === 'serve') await mkdir(ctx.vaultDir, { recursive: true, mode: 0o700 });
  else if (!Vault.exists(ctx.vaultDir)) throw new VaultNotFoundError(ctx.vaultDir);
  return VaultProcessLock.acquire(ctx.vaultDir, `afterword ${program}`);
}
