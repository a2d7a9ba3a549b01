import { HISTORY_BROKEN_ACTION, describeBreak } from '../audit/audit-log.js';
import { enqueueOwnerNotice, type OwnerNoticeDeps } from '../delivery/owner-notices.js';

export interface HistoryBreak {
  seq: number;
  at: number;
  detail: string;
}

/** Recorded breaks of the audit history after `afterSeq`, oldest first. */
export function historyBreaks(deps: Pick<OwnerNoticeDeps, 'db'>, afterSeq = 0): HistoryBreak[] {
  const { db } = deps;
  return db.q.all(
    db.kysely
      .selectFrom('audit_log')
      .select(['seq', 'at', 'detail'])
      .where('seq', '>', afterSeq)
      .where('action', '=', HISTORY_BROKEN_ACTION)
      .orderBy('seq', 'asc'),
  );
}

/**
 * Tells the owner, on every channel, about each break of the audit history that an append
 * recorded. Run with every scheduler pass: it reads only rows it has not looked at in this
 * process, and a notice already queued (by this or an earlier process) is not queued again.
 */
export class HistoryBreakNotices {
  /** The newest row looked at, by seq and hash: a cut and rewritten end changes the hash. */
  private scanned: { seq: number; hash: Uint8Array } | null = null;

  constructor(private readonly deps: OwnerNoticeDeps) {}

  run(): number {
    const { db } = this.deps;
    const newest = db.q.get(db.kysely.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1));
    const found = historyBreaks(this.deps, this.unchangedSince());
    if (found.length > 0) {
      db.q.transaction(() => {
        for (const item of found) {
          enqueueOwnerNotice(this.deps, {
            id: `audit-break:${item.seq}:${item.at}`,
            subject: 'Afterword found its history changed',
            text:
              `The tamper-evident log of this vault no longer matched its seal (${describeBreak(item.detail)}). ` +
              'Someone with access to the vault file may have cut or rewritten it, or an older copy was put back. ' +
              'Run `afterword audit verify` and check your messages and plans.',
          });
        }
      });
    }
    this.scanned = newest ?? null;
    return found.length;
  }

  /** Where to read from: after the last row looked at, unless that row was cut or rewritten since. */
  private unchangedSince(): number {
    if (!this.scanned) return 0;
    const { db } = this.deps;
    const { seq, hash } = this.scanned;
    const row = db.q.get(db.kysely.selectFrom('audit_log').select('hash').where('seq', '=', seq));
    return row && Buffer.from(row.hash).equals(Buffer.from(hash)) ? seq : 0;
  }
}
