import { randomBytes } from 'node:crypto';
import { decodeSigned, encodeSigned, type StandbyKeys } from './signed-object.js';

/** The lease's object in the bucket, next to the backups (relative to the target's prefix). */
export const LEASE_KEY = 'standby/lease';

/** A runner: a machine that can send for the vault (the primary, or a paired standby). */
export interface RunnerIdentity {
  id: string;
  name: string;
}

/**
 * What the lease object holds. `holder` null: handed back (released), anyone may take it at once.
 * `writtenAt` is the writer's wall clock, for people reading status only: no decision compares it
 * with another machine's clock. `nonce` makes every write's bytes (so its ETag) new, and lets a
 * writer whose reply was lost recognise its own write.
 */
export interface LeaseRecord {
  vaultId: string;
  holder: RunnerIdentity | null;
  epoch: number;
  ttlMs: number;
  writtenAt: number;
  nonce: string;
  /** When this holder's tenure began (the writer's wall clock, for people); absent in older leases. */
  since?: number;
}

const LABEL = 'lease';

export const newNonce = (): string => randomBytes(12).toString('hex');

export function encodeLease(keys: StandbyKeys, record: LeaseRecord): Uint8Array {
  return encodeSigned(keys, LABEL, record);
}

const isRunner = (value: unknown): value is RunnerIdentity =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as RunnerIdentity).id === 'string' &&
  typeof (value as RunnerIdentity).name === 'string';

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * The lease when it is believable: signed by this vault's backup key, for this vault, well formed.
 * Anything else is null: a runner never acts on what an unpaired writer put there.
 */
export function decodeLease(keys: StandbyKeys, vaultId: string, bytes: Uint8Array): LeaseRecord | null {
  const body = decodeSigned(keys, LABEL, bytes);
  if (!body || body.vaultId !== vaultId) return null;
  const { holder, epoch, ttlMs, writtenAt, nonce, since } = body;
  if (!(holder === null || isRunner(holder))) return null;
  if (!isCount(epoch) || !isCount(ttlMs) || ttlMs === 0 || typeof writtenAt !== 'number' || typeof nonce !== 'string') {
    return null;
  }
  return {
    vaultId,
    holder: holder === null ? null : { id: holder.id, name: holder.name },
    epoch,
    ttlMs,
    writtenAt,
    nonce,
    ...(typeof since === 'number' && holder !== null ? { since } : {}),
  };
}
