// Test helper: a fresh, unlocked vault in its own temporary directory for every test, without
// paying scrypt each time. One template vault is created per test file (one scrypt), with a device
// key in a FileKeyStore; each test gets a byte copy of it and unlocks with the device key. Every
// copy shares the template's vault key, which is fine for tests that never compare two vaults.
// Only for *.test.ts files; nothing in the app imports it.
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from '../../../node/file-key-store.js';
import { ManualClock } from '../../test-support/manual-clock.js';
import { createVaultServices, type VaultServices } from '../../services.js';
import { Vault } from '../../vault/vault.js';
import { blobsPath, databasePath } from '../../vault/vault-paths.js';

export const TEMPLATE_PASSWORD = 'correct horse battery staple';
export const TEST_SCRYPT = { logN: 15, r: 8, p: 1 } as const;

export interface TestVault {
  root: string;
  dir: string;
  clock: ManualClock;
  vault: Vault;
  services: VaultServices;
  /** Closes the vault and removes the directory. */
  dispose(): Promise<void>;
}

export class VaultTemplate {
  private constructor(
    private readonly root: string,
    readonly auditRows: number,
  ) {}

  /** Creates the template vault (call in beforeAll). */
  static async create(startAt: number): Promise<VaultTemplate> {
    const root = await mkdtemp(join(tmpdir(), 'afterword-template-'));
    const clock = new ManualClock(startAt);
    const { vault } = await Vault.create(join(root, 'vault'), TEMPLATE_PASSWORD, { clock, scrypt: TEST_SCRYPT });
    await vault.enableDeviceKey(new FileKeyStore(join(root, 'keys')));
    await vault.close(); // checkpoints the WAL into vault.db
    const opened = await Vault.open(join(root, 'vault'), { clock });
    const auditRows = opened.db.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
    await opened.close();
    return new VaultTemplate(root, auditRows + 1); // + the device unlock of each copy
  }

  /** A copy in a new temporary directory, opened and unlocked with the device key. */
  async copy(startAt: number): Promise<TestVault> {
    const root = await mkdtemp(join(tmpdir(), 'afterword-test-'));
    const dir = join(root, 'vault');
    await mkdir(blobsPath(dir), { recursive: true, mode: 0o700 });
    await copyFile(databasePath(join(this.root, 'vault')), databasePath(dir));
    await mkdir(join(root, 'keys'), { mode: 0o700 });
    for (const file of await readdir(join(this.root, 'keys'))) {
      await copyFile(join(this.root, 'keys', file), join(root, 'keys', file));
      await chmod(join(root, 'keys', file), 0o600);
    }
    const clock = new ManualClock(startAt);
    const vault = await Vault.open(dir, { clock, scrypt: TEST_SCRYPT });
    await vault.unlockWithDeviceKey(new FileKeyStore(join(root, 'keys')));
    return {
      root,
      dir,
      clock,
      vault,
      services: createVaultServices(vault, clock),
      dispose: async () => {
        if (vault.db.sqlite.open) await vault.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
