import type Database from 'better-sqlite3';
import { sqliteConnection } from './sqlite-addon.js';
import { readFile } from 'node:fs/promises';

/** WAL mode is a property of the file's header (bytes 18 and 19: 2 = WAL); a database in memory has no WAL. */
const FILE_FORMAT_OFFSETS = [18, 19];

/**
 * The database at `path`, loaded into memory: nothing beside the file is read or created (no WAL,
 * no shared memory, no lock), and no write ever reaches the file.
 */
export async function loadIntoMemory(path: string): Promise<Database.Database> {
  const bytes = await readFile(path);
  for (const offset of FILE_FORMAT_OFFSETS) if (bytes[offset] === 2) bytes[offset] = 1;
  return sqliteConnection(bytes);
}
