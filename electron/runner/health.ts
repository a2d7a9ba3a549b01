import type { VaultFacts } from './vault-facts.js';

/**
 * Why /healthz answers 503: whatever keeps warnings and deliveries from going out, so that a
 * monitor checking only the status code notices. A runner still waiting for its vault to be
 * created has nothing to schedule yet and is healthy.
 */
export function healthProblem(facts: Pick<VaultFacts, 'vault'>, schedulerRunning: boolean): string | null {
  switch (facts.vault) {
    case 'missing':
      return null;
    case 'error':
      return 'the vault cannot be opened: run `afterword doctor` on this machine';
    case 'locked':
      return 'the vault is locked: nothing is warned or delivered until it is unlocked (sign in, or turn on unattended delivery)';
    case 'unlocked':
      return schedulerRunning ? null : 'the scheduler is not running';
  }
}
