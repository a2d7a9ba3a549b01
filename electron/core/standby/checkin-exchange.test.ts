import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../shared/durations.js';
import { useConditionalS3rver } from '../../node/test-support/conditional-s3rver.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import type { Logger } from '../ports/logger.js';
import { PlanStore } from '../schedule/plan-store.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { T0, TEST_PASSWORD, type TestVault } from '../test-support/vault-fixture.js';
import { Vault } from '../vault/vault.js';
import { checkinKey, encodeCheckin, type PublishedCheckin } from './checkin-record.js';
import { CHECKIN_RELAYED_ACTION, checkinVault } from './checkin-vault.js';
import {
  armedVault,
  checkinRunner,
  deskRunner,
  useCleanups,
  stateFileOf,
  type ExchangeWorld,
} from './test-support/checkin-runner.js';

const s3 = useConditionalS3rver();

const cleanups = useCleanups();

let bucketNumber = 0;
/** One vault's exchange objects on a fresh prefix: keys and id of the primary's vault. */
function worldOf(tv: TestVault): ExchangeWorld {
  return {
    store: s3.store(`checkins-${++bucketNumber}`),
    keys: deriveBackupKeys(tv.vault.contentKey.key, tv.vault.vaultId),
    vaultId: tv.vault.vaultId,
  };
}

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'afterword-checkins-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The primary `desk` on its vault, and the standby `nas` running (after a takeover) on a vault of its own. */
async function twoRunners() {
  const deskClock = new ManualClock(T0);
  const nasClock = new ManualClock(T0 + 9 * DAY_MS); // another machine: its clock is far off, and never compared
  const deskVault = await armedVault(deskClock, cleanups);
  const nasVault = await armedVault(nasClock, cleanups);
  const world = worldOf(deskVault);
  const desk = () => deskRunner(world, deskClock, deskVault);
  const nas = () =>
    checkinRunner(world, {
      name: 'nas',
      role: 'standby',
      clock: nasClock,
      vault: nasVault.vault,
      stateDir: nasVault.root,
    });
  return { world, deskClock, nasClock, deskVault, nasVault, desk, nas };
}

const lastCheckinAt = (tv: TestVault): number | null => {
  const planId = tv.services.plans.list().find((p) => p.isDefault)!.id;
  return new PlanStore(tv.vault.db).runtime(planId).lastCheckinAt;
};

describe('CheckinExchange against a real S3 server', () => {
  it('a check-in at one runner is a check-in at the other after one poll, audited with where it came from', async () => {
    const { deskClock, nasClock, deskVault, nasVault, desk: makeDesk, nas: makeNas } = await twoRunners();
    const desk = makeDesk();
    const nas = makeNas();
    desk.scheduler.tick();
    nas.scheduler.tick();
    expect(await desk.exchange.pass()).toEqual({ published: null, applied: [], handedBack: false });
    expect((await nas.exchange.pass()).applied).toEqual([]);

    deskClock.advance(HOUR_MS);
    desk.scheduler.checkIn('cli:owner');
    const published = (await desk.exchange.pass()).published!;
    expect(published).toMatchObject({ runner: { id: 'run_desk', name: 'desk' }, role: 'primary', seq: 1 });
    expect(published).toMatchObject({ source: 'cli:owner', at: deskClock.now() });

    nasClock.advance(HOUR_MS);
    const pass = await nas.exchange.pass();
    expect(pass.applied.map((c) => [c.runner.name, c.seq])).toEqual([['desk', 1]]);
    expect(nas.checkins().at(-1)).toMatchObject({ source: 'primary:desk', at: nasClock.now() });
    expect(lastCheckinAt(nasVault)).toBe(nasClock.now()); // the plan started over, on the standby's own clock
    expect(nas.audited('checkin').at(-1)!.detail).toMatchObject({ source: 'primary:desk', plans: 1 });
    expect(nas.audited(CHECKIN_RELAYED_ACTION)).toEqual([
      {
        entityId: 'run_desk',
        detail: { source: 'primary:desk', runner: 'desk', role: 'primary', seq: 1, at: published.at },
      },
    ]);

    // Applied check-ins are not published again: no echo back and forth.
    expect((await nas.exchange.pass()).published).toBeNull();
    expect((await desk.exchange.pass()).applied).toEqual([]);

    // And the other way: a check-in on the standby counts on the primary.
    nasClock.advance(HOUR_MS);
    nas.scheduler.checkIn('http:owner');
    expect((await nas.exchange.pass()).published).toMatchObject({ role: 'standby', seq: 1, source: 'http:owner' });
    deskClock.advance(HOUR_MS);
    expect((await desk.exchange.pass()).applied.map((c) => c.runner.name)).toEqual(['nas']);
    expect(desk.checkins().at(-1)).toMatchObject({ source: 'standby:nas', at: deskClock.now() });
    expect(lastCheckinAt(deskVault)).toBe(deskClock.now());
  });

  it('finds a check-in that another process wrote into the vault, by reading the vault', async () => {
    const { deskClock, deskVault, desk: makeDesk, nas: makeNas } = await twoRunners();
    const desk = makeDesk();
    const nas = makeNas();
    await desk.exchange.pass();
    await nas.exchange.pass();
    // `afterword checkin` in another process: its own connection to the same vault file.
    const other = await Vault.open(deskVault.vault.dir, { clock: deskClock });
    cleanups.push(() => other.close());
    await other.unlock(TEST_PASSWORD);
    const otherRunner = checkinRunner(worldOf(deskVault), {
      name: 'cli',
      role: 'primary',
      clock: deskClock,
      vault: other,
      stateDir: await folder(),
    });
    deskClock.advance(HOUR_MS);
    otherRunner.scheduler.checkIn('cli:owner');
    expect((await desk.exchange.pass()).published).toMatchObject({ seq: 1, source: 'cli:owner', at: deskClock.now() });
    expect((await nas.exchange.pass()).applied.map((c) => c.seq)).toEqual([1]);
  });

  it("ignores objects not signed by this vault, of another vault, or under another runner's key", async () => {
    const { world, deskClock, desk: makeDesk } = await twoRunners();
    const warnings: string[] = [];
    const ignore = () => undefined;
    const logger: Logger = {
      debug: ignore,
      info: ignore,
      error: ignore,
      warn: (message) => void warnings.push(message),
      child: () => logger,
    };
    const desk = makeDesk();
    const nas = checkinRunner(world, {
      ...{ name: 'nas', role: 'standby' as const, clock: new ManualClock(T0) },
      vault: (await armedVault(new ManualClock(T0), cleanups)).vault,
      stateDir: await folder(),
      logger,
    });
    await desk.exchange.pass();
    await nas.exchange.pass(); // knows the bucket as it is
    const forged: PublishedCheckin = {
      vaultId: world.vaultId,
      runner: { id: 'run_evil', name: 'evil' },
      role: 'primary',
      seq: 7,
      at: deskClock.now(),
      source: 'cli:owner',
      checkinId: 3,
    };
    const stranger = deriveBackupKeys(new Uint8Array(randomBytes(32)), world.vaultId);
    await world.store.put(checkinKey('run_evil'), encodeCheckin(stranger, forged));
    await world.store.put(
      checkinKey('run_other'),
      encodeCheckin(world.keys, { ...forged, runner: { id: 'run_other', name: 'other' }, vaultId: 'vault-else' }),
    );
    // A believable object of `desk` copied under another runner's key.
    await world.store.put(
      checkinKey('run_copy'),
      encodeCheckin(world.keys, { ...forged, runner: { id: 'run_desk', name: 'desk' } }),
    );
    await world.store.put(checkinKey('run_junk'), new TextEncoder().encode('{"seq": 99}'));
    expect((await nas.exchange.pass()).applied).toEqual([]);
    expect((await nas.exchange.pass()).applied).toEqual([]);
    expect(nas.checkins()).toEqual([]);
    expect(warnings).toHaveLength(4); // each bad object is reported once, not at every pass
    // The genuine one still goes through.
    desk.scheduler.checkIn('cli:owner');
    await desk.exchange.pass();
    expect((await nas.exchange.pass()).applied.map((c) => c.runner.id)).toEqual(['run_desk']);
  });

  it('never applies the same seq twice, also after a restart; a lost state only counts what is there as known', async () => {
    const { deskVault, nasVault, desk: makeDesk, nas: makeNas } = await twoRunners();
    const desk = makeDesk();
    await desk.exchange.pass();
    await makeNas().exchange.pass();
    desk.scheduler.checkIn('cli:owner');
    await desk.exchange.pass();
    const nas = makeNas();
    expect((await nas.exchange.pass()).applied.map((c) => c.seq)).toEqual([1]);
    const rows = nas.checkins().length;
    // A restart: a new exchange on the same state file.
    expect((await makeNas().exchange.pass()).applied).toEqual([]);
    expect(nas.checkins()).toHaveLength(rows);

    // The standby's state file is lost: seq 1 is in the bucket, and is not taken for a new check-in.
    await rm(stateFileOf(nasVault.root));
    expect((await makeNas().exchange.pass()).applied).toEqual([]);
    expect(nas.checkins()).toHaveLength(rows);

    // The primary's state file is lost: its seq still grows (read back from the bucket).
    await rm(stateFileOf(deskVault.root));
    const desk2 = makeDesk();
    expect((await desk2.exchange.pass()).published).toBeNull(); // the old check-in is not published again
    desk2.scheduler.checkIn('cli:owner');
    expect((await desk2.exchange.pass()).published).toMatchObject({ seq: 2 });
    expect((await makeNas().exchange.pass()).applied.map((c) => c.seq)).toEqual([2]);
    expect(nas.checkins()).toHaveLength(rows + 1);
  });

  it('a standby following keeps the newest primary check-in and applies it after a takeover unless the copy holds it', async () => {
    const deskClock = new ManualClock(T0);
    const deskVault = await armedVault(deskClock, cleanups);
    const world = worldOf(deskVault);
    const desk = deskRunner(world, deskClock, deskVault);
    desk.scheduler.tick();
    const standbyDir = await folder();
    const nasClock = new ManualClock(T0 + 3 * DAY_MS);
    const follower = () =>
      checkinRunner(world, { name: 'nas', role: 'standby', clock: nasClock, stateDir: standbyDir });
    await desk.exchange.pass();
    await follower().exchange.pass();

    const before = await copyOf(deskVault, nasClock); // a snapshot taken before the check-in
    const beforeAgain = await copyOf(deskVault, nasClock);
    deskClock.advance(HOUR_MS);
    desk.scheduler.checkIn('cli:owner');
    await desk.exchange.pass();
    // Following: nothing to apply to; the check-in is kept (on disk: a restart keeps it too).
    expect(await follower().exchange.pass()).toEqual({ published: null, applied: [], handedBack: false });

    const nas = checkinRunner(world, { name: 'nas', role: 'standby', clock: nasClock, stateDir: standbyDir });
    const taken = checkinRunner(world, {
      name: 'nas',
      role: 'standby',
      clock: nasClock,
      vault: before,
      stateDir: await folder(),
    });
    const applied = await nas.exchange.attach(
      checkinVault({
        db: before.db,
        audit: before.audit,
        scheduler: taken.scheduler,
      }),
    );
    expect(applied.map((c) => [c.runner.name, c.seq])).toEqual([['desk', 1]]);
    expect(taken.checkins().at(-1)).toMatchObject({ source: 'primary:desk', at: nasClock.now() });
    // Once applied, it is not applied again by the polls that follow, nor is the copy's history published.
    expect(await nas.exchange.pass()).toEqual({ published: null, applied: [], handedBack: false });

    // Handed back, and later taken over again from a copy older than the check-in (the vault it
    // ran was moved aside): the check-in is applied to that copy too.
    nas.exchange.detach();
    const retaken = checkinRunner(world, {
      name: 'nas',
      role: 'standby',
      clock: nasClock,
      vault: beforeAgain,
      stateDir: await folder(),
    });
    const again = await nas.exchange.attach(
      checkinVault({ db: beforeAgain.db, audit: beforeAgain.audit, scheduler: retaken.scheduler }),
    );
    expect(again.map((c) => [c.runner.name, c.seq])).toEqual([['desk', 1]]);
    expect(retaken.checkins().at(-1)).toMatchObject({ source: 'primary:desk' });

    // A copy that already holds the check-in: nothing to apply.
    deskClock.advance(HOUR_MS);
    desk.scheduler.checkIn('cli:owner');
    await desk.exchange.pass();
    const secondDir = await folder();
    const second = () => checkinRunner(world, { name: 'nas2', role: 'standby', clock: nasClock, stateDir: secondDir });
    await second().exchange.pass();
    const after = await copyOf(deskVault, nasClock);
    const takenAfter = checkinRunner(world, {
      name: 'nas2',
      role: 'standby',
      clock: nasClock,
      vault: after,
      stateDir: secondDir,
    });
    const rows = takenAfter.checkins().length;
    expect(
      await second().exchange.attach(
        checkinVault({ db: after.db, audit: after.audit, scheduler: takenAfter.scheduler }),
      ),
    ).toEqual([]);
    expect(takenAfter.checkins()).toHaveLength(rows);
  });
});

/** The vault as a standby would take it over: a copy of its database, opened with the password. */
async function copyOf(tv: TestVault, clock: ManualClock): Promise<Vault> {
  const dir = join(await folder(), 'vault');
  await mkdir(join(dir, 'blobs'), { recursive: true });
  await tv.vault.db.sqlite.backup(join(dir, 'vault.db'));
  const copy = await Vault.open(dir, { clock });
  cleanups.push(() => copy.close());
  await copy.unlock(TEST_PASSWORD);
  return copy;
}
