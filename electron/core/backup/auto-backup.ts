import type { OwnerNoticeDeps } from '../delivery/owner-notices.js';
import { ConflictError } from '../errors.js';
import type { ObjectStoreFactory } from '../ports/object-store.js';
import type { VaultServices } from '../services.js';
import { recordBackupFailure } from './backup-failures.js';
import { isBackupConfigured, readBackupFacts } from './backup-health.js';
import { nextPushAt } from './backup-schedule.js';
import type { BackupService } from './backup-service.js';

/** How long a shutdown waits for a push under way before it cuts it short. */
export const STOP_GRACE_MS = 10_000;

export interface AutoBackupDeps {
  services: VaultServices;
  stores: ObjectStoreFactory;
  notices: OwnerNoticeDeps;
}

/**
 * Pushes a snapshot when one is due (backup-schedule.ts), asked by every scheduler pass once the
 * pass's own work is done. The push runs on its own: the pass never waits for it, and a pass
 * that comes while it runs starts no second one (the bucket's push lock keeps other processes
 * out). Failures are recorded for retries and for the status; a failure to record one is kept
 * for the next pass to report.
 */
export class AutoBackup {
  private running: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  private unreported: unknown = null;
  /** Built at the first push: a pass with no push due never loads the backup code. */
  private backups: BackupService | null = null;

  constructor(private readonly deps: AutoBackupDeps) {}

  /** Starts a push if one is due and none is running; returns at once, whether one started. */
  kick(): boolean {
    if (this.running || this.stopping.signal.aborted) return false;
    const { services } = this.deps;
    if (!isBackupConfigured(services.vault.db)) return false;
    const now = services.clock.now();
    const at = nextPushAt(readBackupFacts(services), now);
    if (at === null || at > now) return false;
    this.running = this.push().finally(() => {
      this.running = null;
    });
    return true;
  }

  /** Resolves once no push is running (before the vault closes). */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /**
   * The process is shutting down (the runner, the desktop app, `afterword run`): none starts from
   * now on, and a push under way gets `graceMs` to finish; after that it stops before its next
   * upload, without a manifest and without counting as a failure (the next start pushes again and
   * reuses what was uploaded). Resolves once it ended.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    const running = this.running;
    if (running && graceMs > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([running, grace]);
      clearTimeout(timer);
    }
    this.stopping.abort();
    await this.settled();
  }

  /** An error the last push could not even record (the disk, the database), once. */
  takeUnreported(): unknown {
    const error = this.unreported;
    this.unreported = null;
    return error;
  }

  private async push(): Promise<void> {
    try {
      this.backups ??= new (await import('./backup-service.js')).BackupService(this.deps.services, this.deps.stores);
      await this.backups.now(undefined, this.stopping.signal);
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      // Another process (or `backup now`) is pushing this vault: its snapshot counts for this one.
      if (error instanceof ConflictError) return;
      try {
        recordBackupFailure(this.deps.services, this.deps.notices, error);
      } catch (recording) {
        this.unreported = recording;
      }
    }
  }
}
