import { AfterwordError } from '../errors.js';
import { enqueueOwnerNotice, type OwnerNoticeDeps } from '../delivery/owner-notices.js';
import type { VaultServices } from '../services.js';
import { BACKUP_FAILING_ACTION, BACKUP_RECOVERED_ACTION, BACKUP_SETTINGS } from './backup-health.js';
import { noticeDue, retryDelay, type BackupFailure } from './backup-schedule.js';

/** How a failure is shown: `CODE: message` (an AfterwordError's code, a system error's, or INTERNAL). */
export function describeFailure(error: unknown): string {
  if (error instanceof AfterwordError) return `${error.code}: ${error.message}`;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `${typeof code === 'string' ? code : 'INTERNAL'}: ${message}`;
}

const codeOf = (lastError: string): string => lastError.slice(0, lastError.indexOf(':'));

function readFailure(services: Pick<VaultServices, 'settings'>): BackupFailure | null {
  return services.settings.get<BackupFailure | null>(BACKUP_SETTINGS.failure) ?? null;
}

/**
 * An automatic push failed: the next attempt waits longer (5 min doubling to an hour). Failing
 * for a day, the owner is told on every channel, like a delivery that failed for good, and again
 * each week while it lasts; each notice is an audit row (codes and times only: the server's
 * answer may name hosts). Status shows the problem meanwhile.
 */
export function recordBackupFailure(
  services: Pick<VaultServices, 'settings' | 'vault' | 'clock'>,
  notices: OwnerNoticeDeps,
  error: unknown,
): BackupFailure {
  const now = services.clock.now();
  const previous = readFailure(services);
  const attempts = (previous?.attempts ?? 0) + 1;
  const failure: BackupFailure = {
    since: previous?.since ?? now,
    lastError: describeFailure(error),
    attempts,
    nextAt: now + retryDelay(attempts),
    ...(previous?.told !== undefined ? { told: previous.told } : {}),
  };
  const notice = noticeDue(failure, now);
  services.vault.db.q.transaction(() => {
    if (notice !== null) {
      failure.told = notice;
      tellOwner(notices, failure, notice);
      services.vault.audit.append({
        action: BACKUP_FAILING_ACTION,
        detail: { since: failure.since, attempts, error: codeOf(failure.lastError), notice },
      });
    }
    services.settings.set(BACKUP_SETTINGS.failure, failure);
  });
  return failure;
}

/** A push worked (automatic or by hand): the failure, if any, is over. */
export function clearBackupFailure(services: Pick<VaultServices, 'settings' | 'vault'>): void {
  const failure = readFailure(services);
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
  enqueueOwnerNotice(notices, {
    id: `backup-failing:${failure.since}:${index}`,
    subject: 'Afterword cannot back up your vault',
    text:
      `Automatic backups have failed since ${new Date(failure.since).toISOString()} (${failure.attempts} attempts); ` +
      `the bucket holds only an older copy of your messages. The last answer: ${failure.lastError}. ` +
      'Run `afterword backup test` to see which step fails, fix the target (`afterword backup target s3 …`), then `afterword backup now`.',
  });
}
