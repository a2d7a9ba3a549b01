import type { VaultDb } from '../db/open-database.js';
import type { VaultServices } from '../services.js';
import { nextPushAt, type BackupFacts, type BackupFailure, type LastBackup } from './backup-schedule.js';

/** The vault settings backups keep (encrypted, like every setting). */
export const BACKUP_SETTINGS = {
  target: 'backup.target',
  /** The newest snapshot this vault wrote or verified: the bucket may not fall behind it. */
  head: 'backup.head',
  last: 'backup.last',
  failure: 'backup.failure',
  /**
   * Set by a restore that paused the plans: the copy pushes nothing until the owner resumes it,
   * or it would build on the original's snapshots while the original still runs.
   */
  restoredCopy: 'backup.restoredCopy',
} as const;

/** Audit actions of automatic backups (append-only: never renamed). */
export const BACKUP_FAILING_ACTION = 'backup.failing';
export const BACKUP_RECOVERED_ACTION = 'backup.recovered';

/**
 * Rows that say nothing about the vault's content, so they are no reason to push: unlocks (every
 * `afterword tick` from cron writes one), terminal sessions begun, and the backups' own bookkeeping.
 */
const NOT_CONTENT_ACTIONS = [
  'vault.unlocked',
  'vault.session_started',
  'vault.unlock_failed',
  'vault.unlock_refused',
  BACKUP_FAILING_ACTION,
  BACKUP_RECOVERED_ACTION,
];
const OWN_SETTINGS = [BACKUP_SETTINGS.head, BACKUP_SETTINGS.last, BACKUP_SETTINGS.failure];

/** The automatic pushes' current failure (`backup.failure`), if they are failing. */
export function readBackupFailure(services: Pick<VaultServices, 'settings'>): BackupFailure | null {
  return services.settings.get<BackupFailure | null>(BACKUP_SETTINGS.failure) ?? null;
}

export interface BackupHealth {
  configured: boolean;
  lastSuccess: { at: number; snapshotId: string; seq: number } | null;
  failingSince: number | null;
  lastError: string | null;
  nextAt: number | null;
}

/** The audit log's newest row (0 when empty): what a snapshot taken now contains. */
export function auditHead(db: VaultDb): number {
  return db.q.get(db.kysely.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')))?.seq ?? 0;
}

/**
 * The newest content change after audit row `afterSeq`. Every write of content appends an audit
 * row in its transaction, so this reads only the rows since the last snapshot (by primary key):
 * an idle tick pays one empty range read.
 */
function newestChange(db: VaultDb, afterSeq: number): { seq: number; at: number } | null {
  return (
    db.q.get(
      db.kysely
        .selectFrom('audit_log')
        .select(['seq', 'at'])
        .where('seq', '>', afterSeq)
        .where('action', 'not in', NOT_CONTENT_ACTIONS)
        .where((eb) =>
          eb.or([
            eb('action', '!=', 'settings.changed'),
            eb('entity_id', 'is', null),
            eb('entity_id', 'not in', OWN_SETTINGS),
          ]),
        )
        .orderBy('seq', 'desc')
        .limit(1),
    ) ?? null
  );
}

/**
 * The newest draft saved after `after` (ms): drafts are work in progress, saved on every pause in
 * typing and not audited, but losing a week's draft with the disk is losing work all the same.
 * The table holds one row per message at most: an idle tick pays a read of a few rows.
 */
function newestDraftSave(db: VaultDb, after: number): { seq: number; at: number } | null {
  const at = db.q.get(
    db.kysely
      .selectFrom('drafts')
      .select((eb) => eb.fn.max('updated_at').as('at'))
      .where('updated_at', '>', after),
  )?.at;
  return typeof at === 'number' ? { seq: 0, at } : null;
}

const newer = <T extends { at: number }>(a: T | null, b: T | null): T | null => (!a ? b : !b || a.at >= b.at ? a : b);

export function isBackupConfigured(db: VaultDb): boolean {
  return (
    db.q.get(db.kysely.selectFrom('settings').select('key').where('key', '=', BACKUP_SETTINGS.target)) !== undefined
  );
}

/** What decides the next automatic push. Without a target there is none (the last snapshot still shows). */
export function readBackupFacts(services: Pick<VaultServices, 'vault' | 'settings'>): BackupFacts {
  const { db } = services.vault;
  const { settings } = services;
  const last = settings.get<LastBackup>(BACKUP_SETTINGS.last) ?? null;
  if (!isBackupConfigured(db)) return { configured: false, last, failure: null, change: null, waitsForResume: false };
  const failure = readBackupFailure(services);
  // A snapshot from before changes were counted: everything since the first row is new to it.
  const change = last
    ? newer(newestChange(db, last.auditSeq ?? 0), newestDraftSave(db, last.copiedAt ?? last.at))
    : null;
  const waitsForResume = settings.get(BACKUP_SETTINGS.restoredCopy) !== undefined;
  return { configured: true, last, failure, change, waitsForResume };
}

/** What the status shows about backups: the newest snapshot stored, failures, the next push. */
export function readBackupHealth(services: Pick<VaultServices, 'vault' | 'settings'>, now: number): BackupHealth {
  const facts = readBackupFacts(services);
  const { last, failure } = facts;
  return {
    configured: facts.configured,
    lastSuccess: last ? { at: last.at, snapshotId: last.snapshotId, seq: last.seq } : null,
    failingSince: failure?.since ?? null,
    lastError: failure?.lastError ?? null,
    nextAt: nextPushAt(facts, now),
  };
}
