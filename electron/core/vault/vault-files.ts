import { chmod, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DATABASE_FILE, blobsPath } from './vault-paths.js';

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
const DATABASE_FILES = ['', '-wal', '-shm'].map((suffix) => `${DATABASE_FILE}${suffix}`);
/** A temp blob this old is no upload in progress (those write a chunk at a time). */
export const STALE_TEMP_BLOB_MS = 60 * 60 * 1000;

const isTempBlob = (name: string): boolean => name.includes('.tmp-') || name.endsWith('.tmp');
const posix = (platform: NodeJS.Platform): boolean => platform !== 'win32';

async function chmodIfPresent(path: string, mode: number): Promise<void> {
  try {
    await chmod(path, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Owner-only modes for the vault directory, its blobs folder and the database files, whatever the
 * umask or the mode of a directory that existed before `init`. (Windows has no such modes; its
 * per-user profile folders are private already.)
 */
export async function makeVaultPrivate(dir: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (!posix(platform)) return;
  await chmod(dir, PRIVATE_DIR);
  await chmodIfPresent(blobsPath(dir), PRIVATE_DIR);
  await Promise.all(DATABASE_FILES.map((name) => chmodIfPresent(join(dir, name), PRIVATE_FILE)));
}

/** What anyone but the owner may read or write: "vault.db is 0644", for doctor. */
export async function looseVaultModes(dir: string, platform: NodeJS.Platform = process.platform): Promise<string[]> {
  if (!posix(platform)) return [];
  const blobs = blobsPath(dir);
  const blobFiles = await readdir(blobs).catch(() => [] as string[]);
  const paths: Array<[label: string, path: string]> = [
    ['the vault directory', dir],
    ['blobs/', blobs],
    ...DATABASE_FILES.map((name): [string, string] => [name, join(dir, name)]),
    ...blobFiles.map((name): [string, string] => [`blobs/${name}`, join(blobs, name)]),
  ];
  const loose: string[] = [];
  for (const [label, path] of paths) {
    const mode = await stat(path).then(
      (s) => s.mode & 0o777,
      () => null,
    );
    if (mode !== null && (mode & 0o077) !== 0)
      loose.push(
        `${label} is ${mode.toString(8).padStart(4, '0')}: others can read it (run chmod 700 on the directory and 600 on the files)`,
      );
  }
  return loose;
}

/** Removes temp blobs left by interrupted uploads; recent ones may be uploads in progress. */
export async function removeStaleTempBlobs(dir: string, now: number): Promise<string[]> {
  const blobs = blobsPath(dir);
  const names = (await readdir(blobs).catch(() => [] as string[])).filter(isTempBlob);
  const removed: string[] = [];
  for (const name of names) {
    const path = join(blobs, name);
    const modified = await stat(path).then(
      (s) => s.mtimeMs,
      () => null,
    );
    if (modified === null || now - modified < STALE_TEMP_BLOB_MS) continue;
    await rm(path, { force: true });
    removed.push(name);
  }
  return removed;
}
