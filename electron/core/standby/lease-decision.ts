import { HOUR_MS, MINUTE_MS } from '../../../shared/durations.js';
import type { LeaseRecord, RunnerIdentity } from './lease-record.js';

/**
 * The lease rules as pure functions of what this process has seen and its own clocks; lease.ts
 * does the reading and writing. Only the observer's own monotonic clock decides staleness: no
 * decision compares a time written by another machine with this machine's clock.
 */

export const DEFAULT_LEASE_TTL_MS = 12 * HOUR_MS;

export interface LeaseTiming {
  /** How long a holder may send after its last successful renewal. */
  ttlMs: number;
  /** What an observer adds to the TTL before calling an unchanged lease stale (clock rates, a send under way). */
  marginMs: number;
  /** How often the holder renews: at most a quarter of the TTL and five minutes. */
  renewEveryMs: number;
}

export function leaseTiming(ttlMs = DEFAULT_LEASE_TTL_MS): LeaseTiming {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < MINUTE_MS) throw new RangeError('the lease TTL is at least one minute');
  return {
    ttlMs,
    marginMs: Math.max(Math.round(ttlMs / 10), 5 * MINUTE_MS),
    renewEveryMs: Math.min(Math.floor(ttlMs / 4), 5 * MINUTE_MS),
  };
}

/** The lease as this process last read it. `etag` null: there was no lease object. */
export interface SeenLease {
  etag: string | null;
  /** The record when believed (signed by this vault); null when absent or not believable. */
  record: LeaseRecord | null;
  /** This process's monotonic time when it first saw this ETag (or this absence). */
  firstSeenMono: number;
}

/** The lease this process wrote last and still holds, and when it sent that write (its own clocks). */
export interface HeldLease {
  etag: string;
  record: LeaseRecord;
  renewedMono: number;
  renewedWall: number;
}

export interface LeaseView {
  /** A primary creates a missing lease at once; a standby waits until it has been missing for ttl + margin. */
  role: 'primary' | 'standby';
  self: RunnerIdentity;
  timing: LeaseTiming;
  mono: number;
  wall: number;
  seen: SeenLease | null;
  held: HeldLease | null;
  /** The lease seen is the hand-back this process wrote: it does not take it back before it is stale. */
  handedBack?: boolean;
}

/**
 * - `renew`: we hold it and the renewal is due (If-Match on our ETag);
 * - `reclaim`: the bucket's lease names us but this process did not write it (a restart): renew it
 *   with If-Match on its ETag before sending;
 * - `acquire`: no lease object, create one (If-None-Match: *);
 * - `takeover`: released, or stale by our monotonic clock: replace it (If-Match on that ETag, epoch + 1);
 *   a lease this process released itself counts as released only once it is stale (so the hand-back
 *   reaches the runner it was meant for);
 * - `wait`: nothing to do now.
 */
export type LeaseStep = 'renew' | 'reclaim' | 'acquire' | 'takeover' | 'wait';

/** How long the lease must stay unchanged before it is stale: the longer of the two TTLs, plus the margin. */
export function stalenessMs(seen: SeenLease, timing: LeaseTiming): number {
  const ttl = Math.max(timing.ttlMs, seen.record?.ttlMs ?? 0);
  return ttl + leaseTiming(ttl).marginMs;
}

const holdsIt = (view: LeaseView): boolean => view.held !== null && view.seen?.etag === view.held.etag;

export function decideLease(view: LeaseView): LeaseStep {
  const { seen, held, timing } = view;
  if (holdsIt(view)) {
    const sinceMono = view.mono - held!.renewedMono;
    const sinceWall = view.wall - held!.renewedWall;
    return sinceMono >= timing.renewEveryMs || sinceWall >= timing.renewEveryMs || sinceWall < 0 ? 'renew' : 'wait';
  }
  if (!seen) return 'wait';
  const unchangedFor = view.mono - seen.firstSeenMono;
  if (seen.etag === null) {
    return view.role === 'primary' || unchangedFor >= stalenessMs(seen, timing) ? 'acquire' : 'wait';
  }
  if (seen.record && seen.record.holder === null && !view.handedBack) return 'takeover';
  if (seen.record?.holder?.id === view.self.id) return 'reclaim';
  return unchangedFor >= stalenessMs(seen, timing) ? 'takeover' : 'wait';
}

/**
 * Whether the holder may send now: its last successful renewal is within the TTL by its monotonic
 * AND its wall clock (a laptop that slept through hours, where the monotonic clock stood still,
 * does not count a stale lease as fresh). Renewal times are taken before the write was sent, so an
 * observer, which saw the write after it landed, always waits longer than the holder sends.
 */
export function mayDeliver(held: HeldLease | null, mono: number, wall: number): boolean {
  if (!held) return false;
  const ttl = held.record.ttlMs;
  return mono - held.renewedMono < ttl && wall - held.renewedWall < ttl;
}

/** What status shows about the runners of this vault (see `runnerFacts` in lease.ts). */
export interface RunnerFacts {
  role: 'primary' | 'standby';
  leaseHolder: RunnerIdentity | null;
  leaseEpoch: number | null;
  /** How long the lease has stood unchanged by this process's clock (null: not read yet). */
  primarySilentForMs: number | null;
  /** When this process would take the lease over (ms since the epoch), null when it holds it or cannot tell. */
  takeoverAt: number | null;
}

export function runnerFacts(view: LeaseView): RunnerFacts {
  const { seen, held } = view;
  if (holdsIt(view) && mayDeliver(held, view.mono, view.wall)) {
    return {
      role: 'primary',
      leaseHolder: held!.record.holder,
      leaseEpoch: held!.record.epoch,
      primarySilentForMs: Math.max(0, view.mono - held!.renewedMono),
      takeoverAt: null,
    };
  }
  if (!seen)
    return { role: 'standby', leaseHolder: null, leaseEpoch: null, primarySilentForMs: null, takeoverAt: null };
  const silentFor = Math.max(0, view.mono - seen.firstSeenMono);
  const waitFor = decideLease(view) === 'wait' ? Math.max(0, stalenessMs(seen, view.timing) - silentFor) : 0;
  return {
    role: 'standby',
    leaseHolder: seen.record?.holder ?? null,
    leaseEpoch: seen.record?.epoch ?? null,
    primarySilentForMs: silentFor,
    takeoverAt: view.wall + waitFor,
  };
}
