import * as z from 'zod';
import { once } from '../once.js';

const time = once(() => z.number().int());

/**
 * Who sends for the vault, as `status.get` reports it (a standby runner may be paired): this
 * runner's role, the lease's holder and epoch, how long the lease has stood unchanged, and when
 * this runner would take it over. All null for a vault without a standby (role 'primary').
 * `writtenAt` and `stale`: the facts come from the process that sends (runner.json), written then
 * by its clock; stale when not rewritten for three renewal periods.
 */
export const runnerFactsSchema = once(() =>
  z.object({
    role: z.enum(['primary', 'standby']),
    leaseHolder: z.object({ id: z.string(), name: z.string() }).nullable(),
    leaseEpoch: z.number().int().nullable(),
    primarySilentForMs: z.number().nullable(),
    takeoverAt: time().nullable(),
    writtenAt: time().optional(),
    stale: z.boolean().optional(),
  }),
);
