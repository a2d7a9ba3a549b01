import type { VaultDb } from '../db/open-database.js';
import { isStorageUnavailable } from '../storage-errors.js';

/**
 * Records an unlock (or a failed one) in its own transaction. On a full disk or read-only files
 * nothing can be recorded, but reading must still work (status, doctor, the message list): the
 * unlock goes on unrecorded; every write after it fails with STORAGE_UNAVAILABLE.
 */
export function whereWritable(db: VaultDb, record: () => void): void {
  try {
    db.q.transaction(record);
  } catch (error) {
    if (!isStorageUnavailable(error)) throw error;
  }
}
