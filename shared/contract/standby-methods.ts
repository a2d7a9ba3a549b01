import * as z from 'zod';
import { done, method, none, once, type MethodSpec } from './method-spec.js';

/** A paired standby machine, with its last sign of life (the server's time; null: never seen). */
export const standbySchema = once(() =>
  z.object({
    name: z.string(),
    fingerprint: z.string(),
    addedAt: z.number(),
    lastSeen: z.number().nullable(),
  }),
);

/** The name is checked again by the core (a short slug, STANDBY_NAME_PATTERN); the code is an age1… recipient. */
const standbyName = once(() => z.string().trim().min(1).max(32));

/** Pairing standby machines that follow the backup bucket: part of the contract (methods.ts). */
export const STANDBY_METHODS = {
  /** `bucketError`: why the signs of life could not be read (the server's answer), null when they were. */
  'standby.list': method(['owner'], none, () =>
    z.object({ standbys: z.array(standbySchema()), bucketError: z.string().nullable() }),
  ),
  /** Wraps the vault key to the standby's code and publishes it in the bucket, signed. */
  'standby.add': method(
    ['owner'],
    () => z.object({ name: standbyName(), code: z.string().trim().min(1).max(200) }).strict(),
    () => z.object({ standby: standbySchema() }),
  ),
  /** Revokes it: the roster republished without it, its wrap deleted. */
  'standby.remove': method(['owner'], () => z.object({ name: standbyName() }).strict(), done),
} as const satisfies Record<string, MethodSpec>;
