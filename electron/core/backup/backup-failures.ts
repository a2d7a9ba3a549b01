import { AfterwordError } from '../errors.js';
import { enqueueOwnerNotice, type OwnerNoticeDeps } from '../delivery/owner-notices.js';
import type { VaultServices } from '../services.js';
import { BackupTamperedError } from './backup-errors.js';
import { BACKUP_FAILING_ACTION, BACKUP_RECOVERED_ACTION, BACKUP_SETTINGS, readBackupFailure } from './backup-health.js';
import { noticeDue, retryDelay, type BackupFailure } from './backup-schedule.js';

/** How a failure is shown: `CODE: message` (an AfterwordError's code, a system error's, or INTERNAL). */
export function describeFailure(error: unknown): string {
  if (error instanceof AfterwordError) return `${error.code}: ${error.message}`;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `${typeof code === 'string' ? code : 'INTERNAL'}: ${message}`;
}

const codeOf = (lastError: string): string => lastError.slice(0, lastError.indexOf(':'));

/**
 * An automatic push failed: the next attempt waits longer (5 min doubling to an hour). Failing
 * for a day, the owner is told on every channel, like a delivery that failed for good, and again
 * each week while it lasts; each notice is an audit row (codes and times only: the server's
 * answer may name hosts). Status shows the problem meanwhile. A bucket that was tampered with or
 * rolled back is told at once: it will not mend by itself, and somebody may be at work on it.
 */
export function recordBackupFailure(
  services: Pick<VaultServices, 'settings' | 'vault' | 'clock'>,
  notices: OwnerNoticeDeps,
  error: unknown,
): BackupFailure {
  const now = services.clock.now();
  const previous = readBackupFailure(services);
  const attempts = (previous?.attempts ?? 0) + 1;
  const tampered = Boolean(previous?.tampered) || error instanceof BackupTamperedError;
  // An outage already reported says nothing of tampering found since: that is told at once.
  const told = tampered && !previous?.tampered ? undefined : previous?.told;
  const failure: BackupFailure = {
    since: previous?.since ?? now,
    lastError: describeFailure(error),
    attempts,
    nextAt: now + retryDelay(attempts),
    ...(told !== undefined ? { told } : {}),
    // Until a push works again: an outage after the refusal does not make the bucket trusted.
    ...(tampered ? { tampered: true } : {}),
  };
  const notice = noticeDue(failure, now);
  services.vault.db.q.transaction(() => {
    if (notice !== null) {
      failure.told = notice;
      tellOwner(notices, failure, notice);
      services.vault.audit.append({
        action: BACKUP_FAILING_ACTION,
        detail: {
          since: failure.since,
          attempts,
          error: codeOf(failure.lastError),
          notice,
          ...(failure.tampered ? { tampered: true } : {}),
        },
      });
    }
    services.settings.set(BACKUP_SETTINGS.failure, failure);
  });
  return failure;
}

/** A push worked (automatic or by hand): the failure, if any, is over. */
export function clearBackupFailure(services: Pick<VaultServices, 'settings' | 'vault'>): void {
  const failure = readBackupFailure(services);
  if (!failure) return;
  services.vault.db.q.transaction(() => {
    // Recorded only where the failure had been reported: short outages come and go unremarked.
    if (failure.told !== undefined)
      services.vault.audit.append({
        action: BACKUP_RECOVERED_ACTION,
        detail: { since: failure.since, attempts: failure.attempts },
      });
    services.settings.set(BACKUP_SETTINGS.failure, null);
  });
}

function tellOwner(notices: OwnerNoticeDeps, failure: BackupFailure, index: number): void {
  if (failure.tampered) {
    enqueueOwnerNotice(notices, {
      id: `backup-tampered:${failure.since}:${index}`,
      subject: 'Your Afterword backups were changed by someone else',
      text:
        `The backup bucket holds objects this vault did not write, or was put back to an older state (${failure.lastError}). ` +
        'Afterword writes no new backup there until this is cleared. Run `afterword backup verify` to see what was found; ' +
        'if you did not change the bucket yourself, check who has its keys, then point backups at a new bucket or prefix ' +
        '(`afterword backup target s3 …`) and run `afterword backup now`.',
    });
    return;
  }
  enqueueOwnerNotice(notices, {
    id: `backup-failing:${failure.since}:${index}`,
    subject: 'Afterword cannot back up your vault',
    text:
      `Automatic backups have failed since ${new Date(failure.since).toISOString()} (${failure.attempts} attempts); ` +
      `the bucket holds only an older copy of your messages. The last answer: ${failure.lastError}. ` +
      'Run `afterword backup test` to see which step fails, fix the target (`afterword backup target s3 …`), then `afterword backup now`.',
  });
}
