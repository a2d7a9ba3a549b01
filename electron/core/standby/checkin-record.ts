import type { RunnerIdentity } from './lease-record.js';
import { decodeSigned, encodeSigned, type StandbyKeys } from './signed-object.js';

/** Each runner's newest check-in, under the backup target's prefix; only that runner writes its object. */
export const CHECKINS_PREFIX = 'standby/checkins/';

export const checkinKey = (runnerId: string): string => `${CHECKINS_PREFIX}${runnerId}`;

/**
 * What a runner publishes: the newest check-in made on it (the app, `afterword checkin`, a link, a
 * token). `seq` counts this runner's publications and only ever grows; it is what the others
 * compare. `at` is the writer's wall clock, for people reading; `checkinId` the row of the writer's
 * vault (a standby that takes over from a copy of that vault can tell whether the copy holds it).
 */
export interface PublishedCheckin {
  vaultId: string;
  runner: RunnerIdentity;
  role: 'primary' | 'standby';
  seq: number;
  at: number;
  source: string;
  checkinId: number;
}

const LABEL = 'checkin';

export function encodeCheckin(keys: StandbyKeys, record: PublishedCheckin): Uint8Array {
  return encodeSigned(keys, LABEL, record);
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * The check-in when it is believable: signed by this vault's backup key, for this vault, well
 * formed, and (when `runnerId` is given) published by the runner whose key it sits under. Else null.
 */
export function decodeCheckin(
  keys: StandbyKeys,
  vaultId: string,
  bytes: Uint8Array,
  runnerId?: string,
): PublishedCheckin | null {
  const body = decodeSigned(keys, LABEL, bytes);
  if (!body || body.vaultId !== vaultId) return null;
  const { runner, role, seq, at, source, checkinId } = body as Partial<Record<keyof PublishedCheckin, unknown>>;
  const who = runner as Partial<RunnerIdentity> | null | undefined;
  if (typeof who?.id !== 'string' || typeof who.name !== 'string') return null;
  if (runnerId !== undefined && who.id !== runnerId) return null;
  if (role !== 'primary' && role !== 'standby') return null;
  if (!isCount(seq) || seq === 0 || typeof at !== 'number' || typeof source !== 'string' || !isCount(checkinId)) {
    return null;
  }
  return { vaultId, runner: { id: who.id, name: who.name }, role, seq, at, source, checkinId };
}
