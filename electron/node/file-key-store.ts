import { mkdir, open, readFile, rename, rm, stat, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { KeyStore } from '../core/ports/key-store.js';

const ACCOUNT = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Device keys as 0600 files in a 0700 directory outside the vault. Protects against other users of
 * the machine, not against someone who can read this user's files (the OS keychain does better,
 * and is used where available).
 */
export class FileKeyStore implements KeyStore {
  readonly backend = 'file';

  constructor(private readonly dir: string) {}

  private pathOf(account: string): string {
    if (!ACCOUNT.test(account)) throw new Error(`invalid key-store account name: ${account}`);
    return join(this.dir, `${account}.key`);
  }

  async get(account: string): Promise<Uint8Array | null> {
    const file = this.pathOf(account);
    try {
      const info = await stat(file);
      if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
        throw new Error(`${file} is readable by other users; refusing to use it (chmod 600 it if you trust it)`);
      }
      return new Uint8Array(await readFile(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async set(account: string, secret: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await chmod(this.dir, 0o700);
    const file = this.pathOf(account);
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(secret);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  }

  async delete(account: string): Promise<void> {
    await rm(this.pathOf(account), { force: true });
  }
}
