import type { Clock } from '../ports/clock.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { VaultDb } from '../db/open-database.js';
import type { ContentKey } from '../crypto/envelope.js';

/** What every repository needs: the database, the unlocked key, time and the audit log. */
export interface RepoContext {
  db: VaultDb;
  key: ContentKey;
  clock: Clock;
  audit: AuditLog;
  blobsDir: string;
}
