import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Opaque blobs by name: device keys (FileKeyStore), or what SafeStorageKeyStore has already encrypted. */
export interface BlobFileStore {
  read(name: string): Promise<Uint8Array | null>;
  write(name: string, data: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
}

const NAME = /^[A-Za-z0-9._-]{1,128}$/;
const POSIX = process.platform !== 'win32';

/** The directory's entry for a renamed file reaches the disk too (POSIX; Windows cannot open a directory). */
async function syncDirectory(dir: string): Promise<void> {
  if (!POSIX) return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems (network mounts, FUSE) cannot fsync a directory. The file is already in
    // place by then; failing the write would report a stored key as lost.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EPERM' && code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Files in a 0700 directory, each 0600, written atomically (temp file, fsync, rename, fsync of the
 * directory): a crash leaves the old file or the new one, never a half-written one, and a failed
 * write leaves no temp file behind. Refuses a file that other users can read: someone loosened it,
 * and it should not be trusted silently.
 */
export class SecretFileStore implements BlobFileStore {
  /** `extension`: what each name is stored under (`.bin`, `.key`). */
  constructor(
    readonly dir: string,
    private readonly extension = '.bin',
  ) {}

  private pathOf(name: string): string {
    if (!NAME.test(name) || name.startsWith('.')) throw new Error(`invalid key file name: ${name}`);
    return join(this.dir, `${name}${this.extension}`);
  }

  async read(name: string): Promise<Uint8Array | null> {
    const file = this.pathOf(name);
    try {
      const info = await stat(file);
      if (POSIX && (info.mode & 0o077) !== 0) {
        throw new Error(`${file} is readable by other users; refusing to use it (chmod 600 it if you trust it)`);
      }
      return new Uint8Array(await readFile(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async write(name: string, data: Uint8Array): Promise<void> {
    const file = this.pathOf(name);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (POSIX) await chmod(this.dir, 0o700);
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    await syncDirectory(this.dir);
  }

  async remove(name: string): Promise<void> {
    await rm(this.pathOf(name), { force: true });
  }
}
