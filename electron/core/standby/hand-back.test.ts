import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../shared/durations.js';
import { useConditionalS3rver } from '../../node/test-support/conditional-s3rver.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { T0 } from '../test-support/vault-fixture.js';
import type { PublishedCheckin } from './checkin-record.js';
import { handBackAfterPrimaryCheckin, type LeaseHolder } from './hand-back.js';
import { StandbyLease } from './lease.js';
import { leaseTiming } from './lease-decision.js';
import { armedVault, checkinRunner, deskRunner, useCleanups } from './test-support/checkin-runner.js';

const s3 = useConditionalS3rver();
const timing = leaseTiming(12 * HOUR_MS);

const cleanups = useCleanups();

/** StandbyLease as the hand-back sees a lease (RunnerCoordination offers holds/release itself). */
const holderOf = (lease: StandbyLease): LeaseHolder => ({
  holds: () => lease.mayDeliver(),
  release: () => lease.release(),
});

const checkinFrom = (role: 'primary' | 'standby'): PublishedCheckin => ({
  vaultId: 'v',
  runner: { id: `run_${role}`, name: role },
  role,
  seq: 1,
  at: T0,
  source: 'cli:owner',
  checkinId: 1,
});

describe('the hand-back', () => {
  it('only a standby holding the lease releases it, and only for a check-in of the primary', async () => {
    const released: string[] = [];
    const lease = (holds: boolean): LeaseHolder => ({
      holds: () => holds,
      release: async () => {
        released.push('released');
        return true;
      },
    });
    expect(await handBackAfterPrimaryCheckin([checkinFrom('primary')], 'primary', lease(true))).toBe(false);
    expect(await handBackAfterPrimaryCheckin([checkinFrom('standby')], 'standby', lease(true))).toBe(false);
    expect(await handBackAfterPrimaryCheckin([], 'standby', lease(true))).toBe(false);
    expect(await handBackAfterPrimaryCheckin([checkinFrom('primary')], 'standby', lease(false))).toBe(false);
    expect(released).toEqual([]);
    expect(await handBackAfterPrimaryCheckin([checkinFrom('primary')], 'standby', lease(true))).toBe(true);
    expect(released).toEqual(['released']);
  });

  it('a standby that took over applies a check-in made at the primary, then hands back; the primary takes the lease at once', async () => {
    const deskClock = new ManualClock(T0);
    const nasClock = new ManualClock(T0 + 40 * HOUR_MS);
    const deskVault = await armedVault(deskClock, cleanups);
    const nasVault = await armedVault(nasClock, cleanups);
    const prefix = `hand-back-${Date.now()}`;
    const keys = deriveBackupKeys(deskVault.vault.contentKey.key, deskVault.vault.vaultId);
    const vaultId = deskVault.vault.vaultId;
    const lease = (name: string, role: 'primary' | 'standby', clock: ManualClock) =>
      new StandbyLease({
        store: s3.store(prefix),
        clock,
        keys,
        vaultId,
        self: { id: `run_${name}`, name },
        role,
        timing,
      });
    const deskLease = lease('desk', 'primary', deskClock);
    const nasLease = lease('nas', 'standby', nasClock);
    const world = { store: s3.store(prefix), keys, vaultId };
    const stateDir = await mkdtemp(join(tmpdir(), 'afterword-hand-back-'));
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    const desk = deskRunner(world, deskClock, deskVault);
    const nas = checkinRunner(world, {
      name: 'nas',
      role: 'standby',
      clock: nasClock,
      vault: nasVault.vault,
      stateDir,
      lease: holderOf(nasLease),
    });
    expect((await deskLease.tick()).step).toBe('acquire');
    await desk.exchange.pass();
    await nas.exchange.pass();
    // The primary falls silent; the standby takes over once the lease stood still long enough.
    expect((await nasLease.tick()).step).toBe('wait');
    nasClock.advance(timing.ttlMs + timing.marginMs);
    expect(await nasLease.tick()).toEqual({ step: 'takeover', wrote: true });
    expect(nasLease.mayDeliver()).toBe(true);
    nas.scheduler.tick();
    // The person is back at the primary and checks in there.
    deskClock.advance(30 * HOUR_MS);
    expect((await deskLease.tick()).step).toBe('wait'); // the standby holds it: the primary does not send
    expect(deskLease.mayDeliver()).toBe(false);
    desk.scheduler.checkIn('tray:checkin');
    await desk.exchange.pass();

    const pass = await nas.exchange.pass();
    expect(pass.applied.map((c) => c.runner.name)).toEqual(['desk']);
    expect(pass.handedBack).toBe(true);
    expect(nas.checkins().at(-1)).toMatchObject({ source: 'primary:desk' });
    expect(nasLease.mayDeliver()).toBe(false);
    // The standby does not take its own hand-back again; the primary takes it at once.
    expect((await nasLease.tick()).step).toBe('wait');
    expect(await deskLease.tick()).toEqual({ step: 'takeover', wrote: true });
    expect(deskLease.mayDeliver()).toBe(true);
    expect(deskLease.runnerFacts()).toMatchObject({ role: 'primary', leaseHolder: { name: 'desk' }, leaseEpoch: 4 });
    expect((await nasLease.tick()).step).toBe('wait');
  });

  it('a runner that handed the lease back takes it again once it stood released for ttl + margin', async () => {
    const clock = new ManualClock(T0);
    const keys = deriveBackupKeys(new Uint8Array(32).fill(7), 'vault-hand-back');
    const nas = new StandbyLease({
      store: s3.store(`released-${Date.now()}`),
      clock,
      keys,
      vaultId: 'vault-hand-back',
      self: { id: 'run_nas', name: 'nas' },
      role: 'standby',
      timing,
    });
    clock.advance(timing.ttlMs + timing.marginMs);
    await nas.tick(); // sees no lease: starts counting
    clock.advance(timing.ttlMs + timing.marginMs);
    expect((await nas.tick()).step).toBe('acquire');
    expect(await nas.release()).toBe(true);
    clock.advance(timing.ttlMs + timing.marginMs - 1);
    expect((await nas.tick()).step).toBe('wait');
    clock.advance(1);
    expect(await nas.tick()).toEqual({ step: 'takeover', wrote: true });
  });
});
