import { AfterwordError, IntegrityError } from './errors.js';

/** The disk holding the vault is full, or its files cannot be written: nothing is wrong with the data. */
export class StorageUnavailableError extends AfterwordError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_UNAVAILABLE', message, options);
  }
}

const FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
const CORRUPT = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

/**
 * Names what SQLite or the file system said, for errors that are not the core's own: a full disk
 * or read-only files (STORAGE_UNAVAILABLE: free space, or make the files writable; the data is
 * fine) and a damaged database (INTEGRITY). Null for anything else.
 */
export function classifyStorageError(error: unknown): AfterwordError | null {
  if (error instanceof AfterwordError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (FULL.has(code)) {
    return new StorageUnavailableError(
      'the disk holding the vault is full: free some space, then try again (nothing was lost; what you read still works)',
      { cause: error },
    );
  }
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY')) {
    return new StorageUnavailableError(
      "the vault's files cannot be written (read-only disk or permissions): make them writable, then try again (reading still works)",
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new StorageUnavailableError(
      'the disk holding the vault could not be written (disk I/O error): it may be full or failing; free some space or check the disk, then try again',
      { cause: error },
    );
  }
  if (CORRUPT.has(code))
    return new IntegrityError('the vault database is damaged: restore it from a backup', { cause: error });
  return null;
}

/** Whether an error is only that nothing can be written now (a write that may be skipped when reading). */
export function isStorageUnavailable(error: unknown): boolean {
  return classifyStorageError(error) instanceof StorageUnavailableError;
}
