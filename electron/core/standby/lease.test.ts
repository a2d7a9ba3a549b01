import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { FakeClock } from '../../node/fake-clock.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { useConditionalS3rver } from '../../node/test-support/conditional-s3rver.js';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import type { Clock } from '../ports/clock.js';
import { ObjectStoreError } from '../backup/backup-errors.js';
import { StandbyLease } from './lease.js';
import { leaseTiming } from './lease-decision.js';
import { encodeLease, LEASE_KEY } from './lease-record.js';
import type { StandbyKeys } from './signed-object.js';

const HOUR = 3_600_000;
const VAULT = 'vault-lease-test';
const keys = deriveBackupKeys(new Uint8Array(randomBytes(32)), VAULT);
const timing = leaseTiming(12 * HOUR);
const STALE = timing.ttlMs + timing.marginMs;

const s3 = useConditionalS3rver();

let bucketNumber = 0;
/** Runners of one vault on one fresh prefix of the bucket, each with a clock of its own. */
function bucket(on: S3rverProcess = s3.server()) {
  const prefix = `lease-${++bucketNumber}`;
  return {
    store: s3.store(prefix, on),
    runner(
      name: string,
      role: 'primary' | 'standby',
      clock: Clock = new ManualClock(Date.UTC(2026, 0, 1)),
      runnerKeys: StandbyKeys = keys,
    ) {
      return new StandbyLease({
        store: s3.store(prefix, on),
        clock,
        keys: runnerKeys,
        vaultId: VAULT,
        self: { id: `run_${name}`, name },
        role,
        timing,
      });
    },
  };
}

describe('StandbyLease against a real S3 server with conditional writes', () => {
  it('a primary acquires a missing lease at once, then renews only when due, each renewal a new ETag', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const primary = bucket().runner('desk', 'primary', clock);
    expect(primary.mayDeliver()).toBe(false);
    expect(await primary.tick()).toEqual({ step: 'acquire', wrote: true });
    expect(primary.mayDeliver()).toBe(true);
    const first = (await primary.observe()).etag;
    clock.advance(timing.renewEveryMs - 1);
    expect(await primary.tick()).toEqual({ step: 'wait', wrote: false });
    clock.advance(1);
    expect(await primary.tick()).toEqual({ step: 'renew', wrote: true });
    expect((await primary.observe()).etag).not.toBe(first);
    expect(primary.runnerFacts()).toEqual({
      role: 'primary',
      leaseHolder: { id: 'run_desk', name: 'desk' },
      leaseEpoch: 1,
      primarySilentForMs: 0,
      takeoverAt: null,
    });
  });

  it('a standby takes over only after ttl + margin of its own monotonic time; wall-clock jumps change nothing', async () => {
    const b = bucket();
    const primaryClock = new ManualClock(Date.UTC(2026, 0, 1));
    const standbyClock = new ManualClock(Date.UTC(2031, 5, 5)); // another machine, its clock far off
    const primary = b.runner('desk', 'primary', primaryClock);
    const standby = b.runner('spare', 'standby', standbyClock);
    await primary.tick();
    // While the primary renews, the standby never takes over, however long it runs.
    for (let i = 0; i < 40; i++) {
      primaryClock.advance(timing.renewEveryMs);
      standbyClock.advance(HOUR);
      expect((await primary.tick()).wrote).toBe(true);
      expect((await standby.tick()).step).toBe('wait');
    }
    expect(standby.mayDeliver()).toBe(false);
    // The primary falls silent. The standby's wall clock leaps ahead by days and back: no effect.
    standbyClock.advance(STALE - 1);
    standbyClock.setWall(Date.UTC(2040, 0, 1));
    expect(await standby.tick()).toEqual({ step: 'wait', wrote: false });
    const facts = standby.runnerFacts();
    expect(facts).toMatchObject({ role: 'standby', leaseHolder: { id: 'run_desk', name: 'desk' }, leaseEpoch: 1 });
    expect(facts.primarySilentForMs).toBeGreaterThanOrEqual(STALE - 1);
    expect(facts.takeoverAt).toBe(Date.UTC(2040, 0, 1) + STALE - facts.primarySilentForMs!);
    standbyClock.setWall(Date.UTC(2020, 0, 1));
    expect((await standby.tick()).step).toBe('wait');
    standbyClock.advance(1);
    expect(await standby.tick()).toEqual({ step: 'takeover', wrote: true });
    expect(standby.mayDeliver()).toBe(true);
    expect(standby.runnerFacts()).toMatchObject({ role: 'primary', leaseHolder: { name: 'spare' }, leaseEpoch: 2 });
  });

  it('a holder that cannot reach the bucket stops "may send" after the TTL; asleep, its wall clock stops it too', async () => {
    const own = await startS3rver('afterword', undefined, { conditionalWrites: true });
    try {
      const clock = new ManualClock(Date.UTC(2026, 0, 1));
      const primary = bucket(own).runner('desk', 'primary', clock);
      await primary.tick();
      await own.stop();
      clock.advance(timing.ttlMs - 1);
      const tick = await primary.tick();
      expect(tick.step).toBe('unreachable');
      expect(tick.error?.message).toMatch(/the bucket refused/);
      expect(primary.mayDeliver()).toBe(true);
      clock.advance(1);
      expect(primary.mayDeliver()).toBe(false);
      expect(primary.runnerFacts().role).toBe('standby');
      await own.restart();
      expect(await primary.tick()).toEqual({ step: 'renew', wrote: true });
      expect(primary.mayDeliver()).toBe(true);
      // A laptop asleep: its monotonic clock stood still, the wall clock moved on by the TTL.
      clock.setWall(clock.now() + timing.ttlMs);
      expect(primary.mayDeliver()).toBe(false);
    } finally {
      await stopS3rver(own);
    }
  }, 60_000);

  it('a holder whose renewal is refused (412: taken over) stops at once, though its own clocks say fresh', async () => {
    const b = bucket();
    const primaryClock = new ManualClock(Date.UTC(2026, 0, 1));
    const standbyClock = new ManualClock(Date.UTC(2026, 0, 1));
    const primary = b.runner('desk', 'primary', primaryClock);
    const standby = b.runner('spare', 'standby', standbyClock);
    await primary.tick();
    await standby.observe();
    standbyClock.advance(STALE);
    expect((await standby.tick()).step).toBe('takeover');
    expect(primary.mayDeliver()).toBe(true); // it does not know yet
    expect(await primary.renew()).toBe(false);
    expect(primary.mayDeliver()).toBe(false);
    expect(primary.runnerFacts()).toMatchObject({ role: 'standby', leaseHolder: { name: 'spare' }, leaseEpoch: 2 });
    // From now on the old primary is the one waiting: it does not take the lease back while spare renews.
    primaryClock.advance(STALE);
    standbyClock.advance(timing.renewEveryMs);
    expect((await standby.tick()).step).toBe('renew');
    expect((await primary.tick()).step).toBe('wait');
  });

  it('release hands the lease back: the holder stops at once and a waiting runner takes it without waiting', async () => {
    const b = bucket();
    const primary = b.runner('desk', 'primary');
    const standby = b.runner('spare', 'standby');
    await primary.tick();
    expect((await standby.tick()).step).toBe('wait');
    expect(await primary.release()).toBe(true);
    expect(primary.mayDeliver()).toBe(false);
    expect(standby.runnerFacts().takeoverAt).not.toBeNull();
    expect(await standby.tick()).toEqual({ step: 'takeover', wrote: true });
    expect(standby.runnerFacts()).toMatchObject({ role: 'primary', leaseEpoch: 3 });
    expect((await primary.tick()).step).toBe('wait');
  });

  it('a restarted holder reclaims its own lease (same epoch) before it may send', async () => {
    const b = bucket();
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    await b.runner('desk', 'primary', clock).tick();
    const again = b.runner('desk', 'primary', clock);
    expect(again.mayDeliver()).toBe(false);
    expect(await again.tick()).toEqual({ step: 'reclaim', wrote: true });
    expect(again.mayDeliver()).toBe(true);
    expect(again.runnerFacts().leaseEpoch).toBe(1);
  });

  it('a standby creates a missing lease only after it has been missing for ttl + margin', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const standby = bucket().runner('spare', 'standby', clock);
    expect((await standby.tick()).step).toBe('wait');
    clock.advance(STALE - 1);
    expect((await standby.tick()).step).toBe('wait');
    clock.advance(1);
    expect(await standby.tick()).toEqual({ step: 'acquire', wrote: true });
    expect(standby.mayDeliver()).toBe(true);
  });

  it('two standbys racing for a stale lease: exactly one wins, every time', async () => {
    for (let round = 0; round < 20; round++) {
      const b = bucket();
      await b.runner('desk', 'primary').tick();
      const clocks = [new ManualClock(0), new ManualClock(0)];
      const standbys = clocks.map((clock, i) => b.runner(`spare${i}`, 'standby', clock));
      await Promise.all(standbys.map((s) => s.observe()));
      for (const clock of clocks) clock.advance(STALE);
      const ticks = await Promise.all(standbys.map((s) => s.tick()));
      expect(ticks.map((t) => t.step)).toEqual(['takeover', 'takeover']);
      expect(ticks.filter((t) => t.wrote)).toHaveLength(1);
      expect(standbys.filter((s) => s.mayDeliver())).toHaveLength(1);
      const winner = ticks[0]!.wrote ? 'spare0' : 'spare1';
      const loser = standbys[ticks[0]!.wrote ? 1 : 0]!;
      await loser.observe();
      expect(loser.runnerFacts()).toMatchObject({ role: 'standby', leaseHolder: { name: winner }, leaseEpoch: 2 });
    }
  }, 120_000);

  it('a lease signed by another vault is not believed: no holder shown, no hand-back, no reclaim', async () => {
    const b = bucket();
    const stranger = deriveBackupKeys(new Uint8Array(randomBytes(32)), VAULT);
    const forged = { vaultId: VAULT, epoch: 7, ttlMs: timing.ttlMs, writtenAt: 0, nonce: 'x' };
    await b.store.putIfAbsent(LEASE_KEY, encodeLease(stranger, { ...forged, holder: null }));
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const standby = b.runner('spare', 'standby', clock);
    expect((await standby.tick()).step).toBe('wait'); // a believed "released" lease would be taken at once
    expect(standby.runnerFacts()).toMatchObject({ leaseHolder: null, leaseEpoch: null });
    const tagged = await b.store.getTagged(LEASE_KEY);
    await b.store.putIfMatch(
      LEASE_KEY,
      encodeLease(stranger, { ...forged, holder: { id: 'run_spare', name: 'spare' } }),
      tagged!.etag,
    );
    expect((await standby.tick()).step).toBe('wait'); // it names us, but we did not sign it
    expect(standby.mayDeliver()).toBe(false);
    // Unchanged for ttl + margin, it is stale like any other: the standby replaces it.
    clock.advance(STALE);
    expect(await standby.tick()).toEqual({ step: 'takeover', wrote: true });
    // A runner with the stranger's keys does not believe our lease either.
    const foreign = b.runner('other', 'standby', new ManualClock(0), stranger);
    await foreign.observe();
    expect(foreign.runnerFacts()).toMatchObject({ leaseHolder: null, leaseEpoch: null });
  });

  it('a renewal whose reply was lost is recognised as ours by its nonce: the holder keeps the lease', async () => {
    /** The write lands, then the connection drops before the reply (or the SDK's retry meets the 412 it caused). */
    class LostReplies extends S3ObjectStore {
      mode: 'none' | 'drop' | 'retry' = 'none';
      override async putIfMatch(key: string, body: Uint8Array, etag: string): Promise<string> {
        const written = await super.putIfMatch(key, body, etag);
        if (this.mode === 'drop') throw new ObjectStoreError('the upload', key, 'ECONNRESET', 'socket hang up');
        if (this.mode === 'retry') return super.putIfMatch(key, body, etag);
        return written;
      }
    }
    const prefix = `lease-lost-${++bucketNumber}`;
    const store = new LostReplies(s3.server().target(prefix));
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const self = { id: 'run_desk', name: 'desk' };
    const primary = new StandbyLease({ store, clock, keys, vaultId: VAULT, self, role: 'primary', timing });
    await primary.tick();
    store.mode = 'drop';
    clock.advance(timing.renewEveryMs);
    expect((await primary.tick()).step).toBe('unreachable');
    store.mode = 'none';
    clock.advance(timing.ttlMs - 1); // fresh only if the lost renewal counts
    expect(await primary.tick()).toEqual({ step: 'renew', wrote: true });
    expect(primary.mayDeliver()).toBe(true);
    store.mode = 'retry';
    clock.advance(timing.renewEveryMs);
    expect(await primary.tick()).toEqual({ step: 'renew', wrote: true });
    expect(primary.mayDeliver()).toBe(true);
    expect(primary.runnerFacts()).toMatchObject({ role: 'primary', leaseEpoch: 1 });
    store.close();
  });

  it("the test mode's fake clock drives it: advance counts, set (wall only) does not", async () => {
    const b = bucket();
    await b.runner('desk', 'primary').tick();
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const standby = b.runner('spare', 'standby', clock);
    await standby.observe();
    clock.set(Date.UTC(2027, 0, 1));
    expect((await standby.tick()).step).toBe('wait');
    clock.advance(STALE);
    expect((await standby.tick()).step).toBe('takeover');
    expect(standby.mayDeliver()).toBe(true);
  });
});
