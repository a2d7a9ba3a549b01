import * as z from 'zod';
import { mfaEnrolmentSchema, mfaStatusSchema, setupStateSchema, vaultStatusSchema } from './dto.js';
import { done, method, none, once, type MethodSpec } from './method-spec.js';

const password = once(() => z.string().min(1).max(1024));
/** A 6-digit code from the authenticator app, or one of the recovery codes (spaces and dashes allowed). */
const secondFactorCode = once(() => z.string().trim().min(1).max(64));

/** The vault, two-step sign-in and the first run: part of the contract (methods.ts). */
export const VAULT_METHODS = {
  'vault.status': method(['public'], none, vaultStatusSchema),
  /** `setupToken`: the one-time token `afterword serve` prints while it has no vault (HTTP only; IPC needs none). */
  'vault.create': method(
    ['public'],
    () => z.object({ password: password(), setupToken: z.string().max(1000).optional() }).strict(),
    () => z.object({ recoveryKey: z.string() }),
  ),
  /**
   * Over the network (the runner) with two-step sign-in on, `code` is needed too (else MFA_REQUIRED).
   * `acceptOlderVault`: the owner restored an older copy on purpose (see vault.status `olderCopy`).
   */
  'vault.unlock': method(
    ['public'],
    () =>
      z
        .object({
          password: password(),
          code: secondFactorCode().optional(),
          acceptOlderVault: z.literal(true).optional(),
        })
        .strict(),
    done,
  ),
  'vault.recover': method(
    ['public'],
    () => z.object({ recoveryKey: z.string().max(200), newPassword: password() }).strict(),
    done,
  ),
  'vault.lock': method(['owner'], none, done),
  'vault.changePassword': method(
    ['owner'],
    () => z.object({ currentPassword: password(), newPassword: password() }).strict(),
    done,
  ),
  'vault.regenerateRecoveryKey': method(
    ['owner'],
    () => z.object({ password: password() }).strict(),
    () => z.object({ recoveryKey: z.string() }),
  ),
  'vault.setUnattended': method(['owner'], () => z.object({ enabled: z.boolean() }).strict(), vaultStatusSchema),

  /** Two-step sign-in: a code from an authenticator app besides the password, for the runner's sign-in. */
  'mfa.status': method(['owner'], none, mfaStatusSchema),
  /**
   * A new secret and recovery codes (shown once), on at once; `confirm: true` (the UI): on only
   * after mfa.confirm with a first code, so that a failed scan cannot lock the owner out.
   */
  'mfa.enable': method(['owner'], () => z.object({ confirm: z.boolean().default(false) }).strict(), mfaEnrolmentSchema),
  'mfa.confirm': method(['owner'], () => z.object({ code: secondFactorCode() }).strict(), mfaStatusSchema),
  /** Needs the password or a current code (a recovery code too). */
  'mfa.disable': method(
    ['owner'],
    () =>
      z
        .object({ password: password().optional(), code: secondFactorCode().optional() })
        .strict()
        .refine(
          (input) => input.password !== undefined || input.code !== undefined,
          'give the password or a code from the authenticator app',
        ),
    mfaStatusSchema,
  ),

  'setup.get': method(['owner'], none, setupStateSchema),
  /** One group of the recovery key typed back (0-based index): proves it was written down. */
  'setup.confirmRecoveryKey': method(
    ['owner'],
    () => z.object({ group: z.number().int().min(0).max(20), value: z.string().max(40) }).strict(),
    setupStateSchema,
  ),
  /** Moves the first run on ('test' skips the e-mail step, 'done' finishes); never past an unconfirmed recovery key. */
  'setup.advance': method(['owner'], () => z.object({ to: z.enum(['test', 'done']) }).strict(), setupStateSchema),
} as const satisfies Record<string, MethodSpec>;
