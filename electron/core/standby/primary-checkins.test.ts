import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../shared/durations.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { useConditionalS3rver } from '../../node/test-support/conditional-s3rver.js';
import { AppCore } from '../api/app-core.js';
import { BACKUP_SETTINGS } from '../backup/backup-health.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import type { BucketTarget } from '../ports/object-store.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { T0 } from '../test-support/vault-fixture.js';
import { CHECKIN_EXCHANGE_FILE } from './checkin-exchange-state.js';
import { CHECKINS_PREFIX, checkinKey, decodeCheckin } from './checkin-record.js';
import { wirePrimaryCheckins, type PrimaryCheckins } from './primary-checkins.js';
import { STANDBY_MEMBERS_SETTING } from './standby-service.js';
import { STANDBY_CONFIG_FILE } from './standby-files.js';
import { armedVault, checkinRunner, useCleanups } from './test-support/checkin-runner.js';

const s3 = useConditionalS3rver();
const cleanups = useCleanups();

let prefixNumber = 0;

/** The primary as `serve` builds it: an AppCore whose engine passes run the exchange first. */
async function primaryApp(target: BucketTarget) {
  const root = await mkdtemp(join(tmpdir(), 'afterword-primary-checkins-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const clock = new ManualClock(T0);
  const stores = (t: BucketTarget) => new S3ObjectStore(t);
  let checkins: PrimaryCheckins | null = null;
  const app = new AppCore({
    vaultDir: join(root, 'vault'),
    clock,
    keyStore: new FileKeyStore(join(root, 'keys')),
    scrypt: { logN: 15, r: 8, p: 1 },
    objectStores: stores,
    engine: { beforePass: () => checkins?.beforePass() ?? Promise.resolve() },
  });
  checkins = wirePrimaryCheckins(app, { stores, clock, self: { id: 'primary', name: 'desk' } });
  cleanups.push(async () => {
    checkins.stop();
    await app.close();
  });
  await app.create('correct horse battery');
  const services = app.keyedServices();
  services.settings.set(BACKUP_SETTINGS.target, target);
  const recipient = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' });
  services.messages.create({ title: 't', body: 'b', recipientIds: [recipient.id] });
  const vault = app.vaultOrThrow();
  const keys = deriveBackupKeys(vault.contentKey.key, vault.vaultId);
  const pair = () =>
    services.settings.set(STANDBY_MEMBERS_SETTING, [
      { name: 'nas', recipient: 'age1nas', fingerprint: 'f1', addedAt: clock.now() },
    ]);
  return { app, clock, services, vault, keys, pair };
}

async function until<T>(read: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('gave up waiting');
}

/** Two passes around a check-in made here; then the keys under standby/checkins/. */
async function checkInAndList(app: AppCore, prefix: string): Promise<string[]> {
  const engine = app.engineOrThrow();
  await engine.runOnce('test');
  engine.scheduler.checkIn('http:owner');
  await engine.runOnce('test');
  const objects: string[] = [];
  for await (const object of s3.store(prefix).list(CHECKINS_PREFIX)) objects.push(object.key);
  return objects;
}

describe('the primary exchanges check-ins with its standbys', () => {
  it('without a paired standby, nothing is written to the bucket', async () => {
    const target = s3.server().target(`primary-${++prefixNumber}`);
    const { app, services } = await primaryApp(target);
    expect(await checkInAndList(app, target.prefix)).toEqual([]);
    expect(services.settings.get(STANDBY_MEMBERS_SETTING)).toBeUndefined();
  });

  it('publishes a check-in made here at once, and applies a standby check-in at the next pass', async () => {
    const target = s3.server().target(`primary-${++prefixNumber}`);
    const { app, clock, vault, keys, pair } = await primaryApp(target);
    pair();
    const engine = app.engineOrThrow();
    await engine.runOnce('test'); // the exchange starts: what is in the vault and the bucket is known
    const store = s3.store(target.prefix);

    clock.advance(HOUR_MS);
    engine.scheduler.checkIn('http:owner'); // the check-in event publishes it, no pass needed
    const published = await until(async () => {
      const bytes = await store.get(checkinKey('primary'));
      return bytes ? decodeCheckin(keys, vault.vaultId, bytes, 'primary') : null;
    });
    expect(published).toMatchObject({ role: 'primary', runner: { name: 'desk' }, seq: 1, source: 'http:owner' });

    // The standby (running after a takeover) has its own vault: it applies the primary's check-in…
    const nasClock = new ManualClock(T0 + 5 * HOUR_MS);
    const nasVault = await armedVault(nasClock, cleanups);
    const stateDir = await mkdtemp(join(tmpdir(), 'afterword-nas-'));
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    const nas = checkinRunner(
      { store, keys, vaultId: vault.vaultId },
      { name: 'nas', role: 'standby', clock: nasClock, vault: nasVault.vault, stateDir },
    );
    expect((await nas.exchange.pass()).applied).toEqual([]); // its first pass: the bucket as it is counts as known
    clock.advance(HOUR_MS);
    engine.scheduler.checkIn('http:owner');
    await engine.runOnce('test');
    expect((await nas.exchange.pass()).applied.map((c) => c.seq)).toEqual([2]);
    // …and one made there counts here at the next pass.
    nas.scheduler.checkIn('http:owner');
    await nas.exchange.pass();
    clock.advance(HOUR_MS);
    await engine.runOnce('test');
    const newest = vault.db.q.get(
      vault.db.kysely.selectFrom('checkins').select(['at', 'source']).orderBy('id', 'desc').limit(1),
    );
    expect(newest).toEqual({ at: clock.now(), source: 'standby:nas' });
    expect(app.vaultOrThrow().dir).toBe(vault.dir);
    expect(existsSync(join(vault.dir, CHECKIN_EXCHANGE_FILE))).toBe(true);
  });

  it("does not run on a standby's folder (a standby that took over publishes as itself)", async () => {
    const target = s3.server().target(`primary-${++prefixNumber}`);
    const { app, vault, pair } = await primaryApp(target);
    pair();
    await writeFile(join(vault.dir, STANDBY_CONFIG_FILE), '{}\n');
    expect(await checkInAndList(app, target.prefix)).toEqual([]);
    expect(existsSync(join(vault.dir, CHECKIN_EXCHANGE_FILE))).toBe(false);
  });

  it('a bucket that cannot be reached never stops a pass', async () => {
    const target = { ...s3.server().target(`primary-${++prefixNumber}`), endpoint: 'http://127.0.0.1:9' };
    const { app, clock, pair } = await primaryApp(target);
    pair();
    const engine = app.engineOrThrow();
    clock.advance(HOUR_MS);
    const { tick } = await engine.runOnce('test');
    expect(tick.at).toBe(clock.now());
    const db = app.vaultOrThrow().db;
    expect(db.q.get(db.kysely.selectFrom('scheduler_ticks').select('at'))).toEqual({ at: clock.now() });
  });
});
