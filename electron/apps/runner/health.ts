import { MINUTE_MS } from '../../../shared/durations.js';
import type { VaultFacts } from './vault-facts.js';

/** The loop ticks every minute; this many missed passes in a row mean every pass fails. */
export const STALE_PASS_MS = 5 * MINUTE_MS;
/** After the scheduler starts, how long its first pass may take before /healthz says it has none. */
export const FIRST_PASS_GRACE_MS = 2 * MINUTE_MS;

/** The scheduler of this process: since when it runs, and whether a pass has completed since. */
export interface SchedulerProgress {
  startedAt: number;
  passCompleted: boolean;
}

/**
 * Why /healthz answers 503: whatever keeps warnings and deliveries from going out, so that a
 * monitor checking only the status code notices. A runner still waiting for its vault to be
 * created has nothing to schedule yet and is healthy.
 */
export function healthProblem(
  facts: Pick<VaultFacts, 'vault' | 'lastTickAgeMs'>,
  schedulerRunning: boolean,
  progress: SchedulerProgress | null = null,
  now = 0,
): string | null {
  switch (facts.vault) {
    case 'missing':
      return null;
    case 'error':
      return 'the vault cannot be opened: run `afterword doctor` on this machine';
    case 'locked':
      return 'the vault is locked: nothing is warned or delivered until it is unlocked (sign in, or turn on unattended delivery)';
    case 'unlocked':
      if (!schedulerRunning) return 'the scheduler is not running';
      // The vault's last tick may be another process's (before a restart): this one must complete its own.
      if (progress && !progress.passCompleted && now - progress.startedAt > FIRST_PASS_GRACE_MS) {
        return `the scheduler has not completed a pass since it started ${Math.floor((now - progress.startedAt) / MINUTE_MS)} minutes ago`;
      }
      return staleTick(facts.lastTickAgeMs);
  }
}

function staleTick(lastTickAgeMs: number | null): string | null {
  if (lastTickAgeMs === null || lastTickAgeMs <= STALE_PASS_MS) return null;
  return `the scheduler has not completed a pass for ${Math.floor(lastTickAgeMs / MINUTE_MS)} minutes`;
}
