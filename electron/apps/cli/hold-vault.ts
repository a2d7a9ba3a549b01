import { mkdir } from 'node:fs/promises';
import { Vault } from '../../core/vault/vault.js';
import { VaultNotFoundError } from '../../core/vault/vault-errors.js';
import { VaultProcessLock } from '../../node/vault-process-lock.js';
import type { CliContext } from './cli-context.js';

/** A cron `tick` holds the lock only for its pass: a starting `serve` or `run` waits that long. */
const WAIT_FOR_A_TICK_MS = 60_000;

/**
 * Takes the vault's scheduler lock for a command that ticks and sends (VaultBusyError when the
 * desktop app, `serve` or `run` has it). `serve` may start before the vault exists (it is created
 * in the browser), so it makes the private directory; the others need the vault. `tick` does not
 * wait.
 */
export async function holdVault(ctx: CliContext, program: 'serve' | 'run' | 'tick'): Promise<VaultProcessLock> {
  if (program === 'serve') await mkdir(ctx.vaultDir, { recursive: true, mode: 0o700 });
  else if (!Vault.exists(ctx.vaultDir)) throw new VaultNotFoundError(ctx.vaultDir);
  return VaultProcessLock.acquire(ctx.vaultDir, `afterword ${program}`, {
    waitMs: program === 'tick' ? 0 : WAIT_FOR_A_TICK_MS,
    // `run` and `tick` hold the key as soon as they have the lock; `serve` says so once unlocked.
    scheduling: program !== 'serve',
    onTrouble: (what) => ctx.out.note(`afterword: ${what}`),
  });
}
