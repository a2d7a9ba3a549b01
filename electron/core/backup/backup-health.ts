import type { SettingsRepo } from '../repo/settings.js';

export interface BackupHealth {
  configured: boolean;
  lastSuccess: { at: number; snapshotId: string; seq: number } | null;
  failingSince: number | null;
  lastError: string | null;
  nextAt: number | null;
}

/** What the status shows about backups: the target, the newest snapshot stored. */
export function readBackupHealth(settings: SettingsRepo): BackupHealth {
  const last = settings.get<{ at: number; snapshotId: string; seq: number }>('backup.last') ?? null;
  return {
    configured: settings.get('backup.target') !== undefined,
    lastSuccess: last ? { at: last.at, snapshotId: last.snapshotId, seq: last.seq } : null,
    failingSince: null,
    lastError: null,
    nextAt: null,
  };
}
