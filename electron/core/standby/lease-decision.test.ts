import { describe, expect, it } from 'vitest';
import { decideLease, leaseTiming, mayDeliver, type HeldLease, type LeaseView } from './lease-decision.js';
import type { LeaseRecord } from './lease-record.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

const record = (over: Partial<LeaseRecord> = {}): LeaseRecord => ({
  vaultId: 'v',
  holder: { id: 'run_a', name: 'a' },
  epoch: 1,
  ttlMs: 12 * HOUR,
  writtenAt: 0,
  nonce: 'n',
  ...over,
});

const view = (over: Partial<LeaseView>): LeaseView => ({
  role: 'standby',
  self: { id: 'run_b', name: 'b' },
  timing: leaseTiming(),
  mono: 0,
  wall: 0,
  seen: null,
  held: null,
  ...over,
});

describe('lease timing', () => {
  it('defaults to 12 h with a margin of 10 % (at least 5 min) and renewals at most every 5 min', () => {
    expect(leaseTiming()).toEqual({ ttlMs: 12 * HOUR, marginMs: 72 * MIN, renewEveryMs: 5 * MIN });
    expect(leaseTiming(20 * MIN)).toEqual({ ttlMs: 20 * MIN, marginMs: 5 * MIN, renewEveryMs: 5 * MIN });
    expect(leaseTiming(8 * MIN)).toEqual({ ttlMs: 8 * MIN, marginMs: 5 * MIN, renewEveryMs: 2 * MIN });
    expect(() => leaseTiming(1000)).toThrow(RangeError);
  });
});

describe('decideLease', () => {
  it('waits for the longer TTL of the two (the holder may have a longer one) plus its margin', () => {
    const seen = { etag: '"e"', record: record({ ttlMs: 24 * HOUR }), firstSeenMono: 0 };
    const stale = 24 * HOUR + leaseTiming(24 * HOUR).marginMs;
    expect(decideLease(view({ seen, mono: stale - 1 }))).toBe('wait');
    expect(decideLease(view({ seen, mono: stale }))).toBe('takeover');
  });

  it('renews when due by either clock, and when the wall clock went back', () => {
    const held: HeldLease = { etag: '"e"', record: record(), renewedMono: 0, renewedWall: 10 * HOUR };
    const seen = { etag: '"e"', record: record(), firstSeenMono: 0 };
    const base = { seen, held, wall: 10 * HOUR };
    expect(decideLease(view({ ...base, mono: 5 * MIN - 1 }))).toBe('wait');
    expect(decideLease(view({ ...base, mono: 5 * MIN }))).toBe('renew');
    expect(decideLease(view({ ...base, wall: 10 * HOUR + 5 * MIN }))).toBe('renew');
    expect(decideLease(view({ ...base, wall: 9 * HOUR }))).toBe('renew');
  });
});

describe('mayDeliver', () => {
  const held: HeldLease = { etag: '"e"', record: record(), renewedMono: 100, renewedWall: 5 * HOUR };
  it('holds for the TTL by both clocks and not a millisecond longer', () => {
    expect(mayDeliver(held, 100 + 12 * HOUR - 1, 5 * HOUR + 12 * HOUR - 1)).toBe(true);
    expect(mayDeliver(held, 100 + 12 * HOUR, 5 * HOUR)).toBe(false);
    expect(mayDeliver(held, 100, 17 * HOUR)).toBe(false);
    expect(mayDeliver(null, 100, 5 * HOUR)).toBe(false);
  });
});
