import { BadRequestError } from '../core/errors.js';
import { SCRYPT_FLOOR, DEFAULT_SCRYPT, type ScryptParams } from '../core/crypto/kdf.js';
import { createVaultServices, type VaultServices } from '../core/services.js';
import { defaultKeyDir, resolveVaultDir } from '../core/vault/vault-paths.js';
import { FileKeyStore } from '../node/file-key-store.js';
import { createEngine, type Engine } from '../core/engine.js';
import type { KeyStore } from '../ports/key-store.js';
import { Vault, type VaultDeps } from '../core/vault/vault.js';
import { fakeClockFromEnv, systemClock } from '../node/system-clock.js';
import type { Clock } from '../ports/clock.js';
import { checkinLinkPort } from '../runner/checkin-links.js';
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
  readonly clock: Clock;

  constructor(
    readonly options: GlobalOptions,
    readonly env: Env,
  ) {
    this.out = new Output(Boolean(options.json));
    this.vaultDir = resolveVaultDir(options.vault, env);
    const fake = fakeClockFromEnv(env);
    if (fake) process.stderr.write(`${fake.warning}\n`);
    this.clock = fake?.clock ?? systemClock;
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

  keyStore(): KeyStore {
    return new FileKeyStore(defaultKeyDir(this.env));
  }

  async withUnlocked<T>(fn: (services: VaultServices) => Promise<T>): Promise<T> {
    return this.withVault(async (vault) => {
      await vault.unlock(await currentPassword(this.env));
      return fn(createVaultServices(vault, this.clock));
    });
  }

  /**
   * For the scheduler's commands (tick, status, checkin): AFTERWORD_PASSWORD when given, else the
   * device key when unattended delivery is on (so system cron can run `afterword tick`), else a prompt.
   */
  async withUnattended<T>(fn: (services: VaultServices) => Promise<T>): Promise<T> {
    return this.withVault(async (vault) => {
      if (this.env.AFTERWORD_PASSWORD === undefined && vault.deviceKeyStatus().enabled) {
        await vault.unlockWithDeviceKey(this.keyStore());
      } else {
        await vault.unlock(await currentPassword(this.env));
      }
      return fn(createVaultServices(vault, this.clock));
    });
  }

  async withEngine<T>(fn: (engine: Engine, services: VaultServices) => Promise<T>): Promise<T> {
    return this.withUnattended(async (services) => {
      const engine = createEngine(services, { clock: this.clock, checkinLink: checkinLinkPort(() => services) });
      try {
        return await fn(engine, services);
      } finally {
        await engine.close();
      }
    });
  }
}
