import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_DIR_NAME = 'Afterword';
export const DATABASE_FILE = 'vault.db';
export const BLOBS_DIR = 'blobs';

type Env = Readonly<Record<string, string | undefined>>;

/** The platform's per-user data directory for Afterword. */
export function defaultVaultDir(
  env: Env = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), APP_DIR_NAME);
}

/** `--vault DIR` wins, then AFTERWORD_VAULT, then the platform default. */
export function resolveVaultDir(flag: string | undefined, env: Env = process.env): string {
  return resolve(flag ?? env.AFTERWORD_VAULT ?? defaultVaultDir(env));
}

/** Where device keys live: outside the vault, so a copied vault directory does not carry them. */
export function defaultKeyDir(
  env: Env = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (env.AFTERWORD_KEY_DIR) return resolve(env.AFTERWORD_KEY_DIR);
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), APP_DIR_NAME, 'keys');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', `${APP_DIR_NAME} Keys`);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_DIR_NAME, 'keys');
}

export const databasePath = (dir: string): string => join(dir, DATABASE_FILE);
export const blobsPath = (dir: string): string => join(dir, BLOBS_DIR);
