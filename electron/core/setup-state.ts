import * as z from 'zod';
import { once } from '../../shared/once.js';
import { matchesGroup } from '../../shared/recovery-key-groups.js';
import { readOwner } from './delivery/owner-settings.js';
import { BadRequestError, ConflictError } from './errors.js';
import type { SettingsRepo } from './repo/settings.js';

export const SETUP_STEPS = ['recovery', 'owner', 'test', 'done'] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

/** The settings key of the first run's progress (encrypted like every setting). */
export const SETUP_SETTING = 'setup';

const storedSchema = once(() =>
  z.object({
    step: z.enum(SETUP_STEPS),
    recoveryKeyConfirmedAt: z.number().int().nullable(),
  }),
);
type StoredSetup = z.infer<ReturnType<typeof storedSchema>>;

export interface SetupSummary {
  step: SetupStep;
  recoveryKeyConfirmed: boolean;
  ownerEmailSet: boolean;
}

/**
 * Where the first run stands, as the vault records it. A vault made before the first run kept
 * this (or by `afterword init`, which prints the key to a terminal) has no record: done.
 */
function readStored(settings: SettingsRepo): StoredSetup {
  const parsed = storedSchema().safeParse(settings.get<unknown>(SETUP_SETTING));
  return parsed.success ? parsed.data : { step: 'done', recoveryKeyConfirmedAt: 0 };
}

export function readSetup(settings: SettingsRepo): SetupSummary {
  const stored = readStored(settings);
  return {
    step: stored.step,
    recoveryKeyConfirmed: stored.recoveryKeyConfirmedAt !== null,
    ownerEmailSet: readOwner(settings) !== null,
  };
}

/** A vault created through the first run: the recovery key is not confirmed yet. */
export function beginSetup(settings: SettingsRepo): void {
  settings.set(SETUP_SETTING, { step: 'recovery', recoveryKeyConfirmedAt: null } satisfies StoredSetup);
}

/**
 * Records that the owner typed group `group` of the recovery key back correctly. `recoveryKey` is
 * the key shown, kept in memory only; null when this process no longer has it (a restart).
 */
export function confirmRecoveryKey(
  settings: SettingsRepo,
  recoveryKey: string | null,
  group: number,
  value: string,
  now: number,
): void {
  const stored = readStored(settings);
  if (stored.recoveryKeyConfirmedAt !== null) return;
  if (recoveryKey === null)
    throw new ConflictError('the recovery key shown is no longer in memory: make a new one with your password');
  if (!matchesGroup(recoveryKey, group, value))
    throw new BadRequestError(`that is not group ${group + 1} of the recovery key`);
  settings.set(SETUP_SETTING, {
    step: stored.step === 'recovery' ? 'owner' : stored.step,
    recoveryKeyConfirmedAt: now,
  } satisfies StoredSetup);
}

/** Moves the first run forward to `to` (never back, never past an unconfirmed recovery key). */
export function advanceSetup(settings: SettingsRepo, to: 'test' | 'done'): void {
  const stored = readStored(settings);
  if (stored.recoveryKeyConfirmedAt === null) throw new ConflictError('confirm the recovery key first');
  if (SETUP_STEPS.indexOf(to) <= SETUP_STEPS.indexOf(stored.step)) return;
  settings.set(SETUP_SETTING, { ...stored, step: to } satisfies StoredSetup);
}
