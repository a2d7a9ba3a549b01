import { BadRequestError } from '../core/errors.js';
import { SCRYPT_FLOOR, DEFAULT_SCRYPT, type ScryptParams } from '../core/crypto/kdf.js';
import { createVaultServices, type VaultServices } from '../core/services.js';
import { resolveVaultDir } from '../core/vault/vault-paths.js';
import { Vault, type VaultDeps } from '../core/vault/vault.js';
import { systemClock } from '../node/system-clock.js';
import type { Clock } from '../ports/clock.js';
import { Output } from './output.js';
import { currentPassword } from './secrets.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface GlobalOptions {
  vault?: string;
  json?: boolean;
  debug?: boolean;
}

/** The CLI's composition root: resolves the vault, the clock and the secrets for each command. */
export class CliContext {
  readonly out: Output;
  readonly vaultDir: string;
  readonly clock: Clock = systemClock;

  constructor(
    readonly options: GlobalOptions,
    readonly env: Env,
  ) {
    this.out = new Output(Boolean(options.json));
    this.vaultDir = resolveVaultDir(options.vault, env);
  }

  /**
   * AFTERWORD_SCRYPT_LOGN lowers the password KDF cost (tests, very slow devices); never below
   * the floor that opening enforces.
   */
  vaultDeps(): VaultDeps {
    const raw = this.env.AFTERWORD_SCRYPT_LOGN;
    let scrypt: ScryptParams = DEFAULT_SCRYPT;
    if (raw !== undefined) {
      const logN = Number(raw);
      if (!Number.isInteger(logN) || logN < SCRYPT_FLOOR.logN || logN > 20) {
        throw new BadRequestError(`AFTERWORD_SCRYPT_LOGN must be an integer from ${SCRYPT_FLOOR.logN} to 20`);
      }
      scrypt = { ...DEFAULT_SCRYPT, logN };
    }
    return { clock: this.clock, scrypt };
  }

  async withVault<T>(fn: (vault: Vault) => Promise<T>): Promise<T> {
    const vault = await Vault.open(this.vaultDir, this.vaultDeps());
    try {
      return await fn(vault);
    } finally {
      await vault.close();
    }
  }

  async withUnlocked<T>(fn: (services: VaultServices) => Promise<T>): Promise<T> {
    return this.withVault(async (vault) => {
      await vault.unlock(await currentPassword(this.env));
      return fn(createVaultServices(vault, this.clock));
    });
  }
}
