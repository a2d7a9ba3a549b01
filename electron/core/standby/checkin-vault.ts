import type { AuditLog } from '../audit/audit-log.js';
import type { VaultDb } from '../db/open-database.js';
import type { Scheduler } from '../schedule/scheduler.js';
import type { ExchangeVault, LocalCheckin } from './checkin-exchange.js';
import type { PublishedCheckin } from './checkin-record.js';

/** Audit action of a check-in applied from another runner (append-only: never renamed). */
export const CHECKIN_RELAYED_ACTION = 'standby.checkin_applied';

export interface CheckinVaultDeps {
  db: VaultDb;
  audit: AuditLog;
  scheduler: Pick<Scheduler, 'checkIn'>;
}

/**
 * A vault as a CheckinExchange sees it: its check-ins are read from the `checkins` table (so one
 * made by another process on this machine counts as well), and a check-in from another runner is
 * the scheduler's "I'm here" with the source `primary:<name>` / `standby:<name>`, audited with
 * where it came from, in one transaction.
 */
export function checkinVault({ db, audit, scheduler }: CheckinVaultDeps): Required<ExchangeVault> {
  return {
    latestLocalCheckin(): LocalCheckin | null {
      // Read by rowid from the newest down: stops at the first local one.
      const row = db.q.get(
        db.kysely
          .selectFrom('checkins')
          .select(['id', 'at', 'source'])
          .where('source', 'not like', 'primary:%')
          .where('source', 'not like', 'standby:%')
          .orderBy('id', 'desc')
          .limit(1),
      );
      return row ? { id: row.id!, at: row.at, source: row.source } : null;
    },
    holdsCheckin({ checkinId, at }) {
      const row = db.q.get(db.kysely.selectFrom('checkins').select('at').where('id', '=', checkinId));
      return row?.at === at;
    },
    checkIn(source: string, from: PublishedCheckin) {
      db.q.transaction(() => {
        scheduler.checkIn(source);
        audit.append({
          action: CHECKIN_RELAYED_ACTION,
          entityType: 'runner',
          entityId: from.runner.id,
          detail: { source, runner: from.runner.name, role: from.role, seq: from.seq, at: from.at },
        });
      });
    },
  };
}
