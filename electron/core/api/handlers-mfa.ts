import { ConflictError } from '../errors.js';
import { SecondFactorWrongError } from '../vault/vault-errors.js';
import type { HandlerGroup } from './handlers.js';

type MfaMethods = 'mfa.status' | 'mfa.enable' | 'mfa.confirm' | 'mfa.disable';

/**
 * Two-step sign-in for the runner's web sign-in. Turning it on or off is the owner's, from any
 * front door; it is asked for only where the sign-in comes over the network (see vault.unlock).
 */
export const mfaHandlers: HandlerGroup<MfaMethods> = {
  'mfa.status': (_input, { app }) => {
    return app.unlockedServices().vault.secondFactors.store().status();
  },
  'mfa.enable': ({ confirm }, { app }) => {
    const { vault } = app.unlockedServices();
    const secondFactor = vault.secondFactors.store();
    if (secondFactor.status().enabled) {
      throw new ConflictError(
        'two-step sign-in is already on: turn it off first (`afterword mfa disable`, or under Security) to set it up again with a new secret and recovery codes',
      );
    }
    return secondFactor.enrol(vault.audit, { enabled: !confirm });
  },
  'mfa.confirm': ({ code }, { app }) => {
    const { vault } = app.unlockedServices();
    const secondFactor = vault.secondFactors.store();
    const status = secondFactor.status();
    if (status.enabled) return status;
    if (!status.pending) throw new ConflictError('two-step sign-in is not being set up: start again');
    // The owner is signed in: a mistyped first code costs nothing and is not counted.
    if (!secondFactor.confirm(vault.audit, code)) throw new SecondFactorWrongError();
    return secondFactor.status();
  },
  'mfa.disable': async ({ password, code }, { app }) => {
    const { vault } = app.unlockedServices();
    if (password !== undefined) await vault.verifyPassword(password);
    else vault.secondFactors.verify(code!);
    const secondFactor = vault.secondFactors.store();
    secondFactor.disable(vault.audit);
    return secondFactor.status();
  },
};
