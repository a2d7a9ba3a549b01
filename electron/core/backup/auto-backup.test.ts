// Automatic backups from the scheduler's pass: a real S3 server (s3rver on loopback), a real
// vault, the engine's own pass, and a clock moved by hand.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOUR_MS, MINUTE_MS } from '../../../shared/durations.js';
import { s3ObjectStores } from '../../node/lazy-s3-object-store.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from '../../node/file-key-store.js';
import { AppCore } from '../api/app-core.js';
import { AppScheduler } from '../api/app-scheduler.js';
import { createEngine, type Engine } from '../engine.js';
import { createVaultServices } from '../services.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { T0, TEST_PASSWORD } from '../test-support/vault-fixture.js';
import { Vault } from '../vault/vault.js';
import type { ObjectStore, ObjectStoreFactory } from '../ports/object-store.js';
import { readStatus } from '../schedule/status.js';
import { createTestVault, type TestVault } from '../test-support/vault-fixture.js';
import { readBackupHealth } from './backup-health.js';
import { BackupService } from './backup-service.js';
import { DEBOUNCE_MS, RETRY_MAX_MS, type LastBackup } from './backup-schedule.js';
import { manifestKey } from './bucket-layout.js';

/** One server for the file; each test writes under a prefix of its own. */
let server: S3rverProcess;
beforeAll(async () => void (server = await startS3rver()), 30_000);
afterAll(() => stopS3rver(server));

const vaults: TestVault[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  for (const tv of vaults.splice(0)) await tv.dispose();
});

interface World {
  tv: TestVault;
  engine: Engine;
  last(): LastBackup | undefined;
}

async function world(prefix: string, stores: ObjectStoreFactory = s3ObjectStores): Promise<World> {
  const tv = await createTestVault({ prefix: 'aw-auto-backup-' });
  vaults.push(tv);
  new BackupService(tv.services, stores).setTarget(server.target(prefix));
  const engine = createEngine(tv.services, { clock: tv.clock, objectStores: stores });
  engines.push(engine);
  return { tv, engine, last: () => tv.services.settings.get<LastBackup>('backup.last') };
}

function addRecipient(tv: TestVault, name: string): void {
  tv.services.recipients.add({ name, type: 'email', contact: 'alex@example.org' });
}

const backupNotices = (tv: TestVault, kind: 'failing' | 'tampered' = 'failing'): string[] =>
  (
    tv.vault.db.sqlite
      .prepare(`SELECT idempotency_key AS k FROM outbox WHERE kind = 'notice' AND idempotency_key LIKE ?`)
      .all(`notice:backup-${kind}:%`) as { k: string }[]
  ).map((r) => r.k);

/** The distinct notices (each goes out on every channel of the owner's). */
const distinctNotices = (tv: TestVault, kind: 'failing' | 'tampered'): number =>
  new Set(backupNotices(tv, kind).map((key) => key.split(':').slice(1, 4).join(':'))).size;

describe('automatic backups', { timeout: 120_000 }, () => {
  it('pushes a change only once the vault has been quiet for the debounce, then not again', async () => {
    const w = await world('auto-debounce');
    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(w.last()?.seq).toBe(1); // never backed up: the first pass pushes

    w.tv.clock.advance(10 * MINUTE_MS);
    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(w.last()?.seq).toBe(1); // nothing changed

    addRecipient(w.tv, 'Alex');
    w.tv.clock.advance(DEBOUNCE_MS - MINUTE_MS);
    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(w.last()?.seq).toBe(1);
    const health = readBackupHealth(w.tv.services, w.tv.clock.now());
    expect(health.nextAt).toBe(w.tv.clock.now() + MINUTE_MS);

    w.tv.clock.advance(MINUTE_MS);
    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(w.last()).toMatchObject({ seq: 2, at: w.tv.clock.now() });

    // A draft saved (not audited: work in progress) is a change too.
    w.tv.clock.advance(MINUTE_MS);
    w.tv.services.drafts.save(null, { title: 'Unfinished', body: 'half a letter' });
    w.tv.clock.advance(DEBOUNCE_MS);
    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(w.last()).toMatchObject({ seq: 3, at: w.tv.clock.now() });

    // Its own bookkeeping (backup.last, backup.head) is no change: no push follows it.
    w.tv.clock.advance(10 * MINUTE_MS);
    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(w.last()?.seq).toBe(3);
  });

  it('pushes an idle vault once a day', async () => {
    const w = await world('auto-daily');
    await w.engine.runOnce('test');
    await w.engine.settled();
    const first = w.last()!;
    let pushes = 0;
    for (let hour = 1; hour <= 48; hour++) {
      w.tv.clock.advance(HOUR_MS);
      const before = w.last()!.seq;
      await w.engine.runOnce('test');
      await w.engine.settled();
      if (w.last()!.seq !== before) {
        pushes++;
        expect(hour % 24).toBe(0);
      }
    }
    expect(pushes).toBe(2);
    expect(w.last()!.seq).toBe(first.seq + 2);
  });

  it('retries with a growing wait while the server is down, reports it after a day (one notice), and clears it when the server is back', async () => {
    const w = await world('auto-failing');
    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(w.last()?.seq).toBe(1);
    addRecipient(w.tv, 'Alex');
    w.tv.clock.advance(DEBOUNCE_MS);
    await server.stop();
    try {
      const waits: number[] = [];
      const started = w.tv.clock.now();
      while (w.tv.clock.now() - started < 25 * HOUR_MS) {
        await w.engine.runOnce('test');
        await w.engine.settled();
        const health = readBackupHealth(w.tv.services, w.tv.clock.now());
        expect(health.failingSince).toBe(started);
        expect(health.lastError).toMatch(/^BACKUP_TARGET_FAILED: /);
        waits.push(health.nextAt! - w.tv.clock.now());
        // The status says so only once it has failed for a day.
        const failingForADay = w.tv.clock.now() - started >= 24 * HOUR_MS;
        const problems = readStatus(w.tv.services, w.engine.outbox, w.tv.clock.now()).problems;
        expect(problems.some((p) => p.code === 'BACKUP_FAILING')).toBe(failingForADay);
        expect(backupNotices(w.tv).length > 0).toBe(failingForADay);
        w.tv.clock.advance(health.nextAt! - w.tv.clock.now());
      }
      expect(waits.slice(0, 5)).toEqual([5, 10, 20, 40, 60].map((m) => m * MINUTE_MS));
      expect(Math.max(...waits)).toBe(RETRY_MAX_MS);
      // One notice (on each of the owner's channels), not one per attempt.
      const ids = new Set(backupNotices(w.tv).map((key) => key.split(':').slice(1, 4).join(':')));
      expect(ids.size).toBe(1);
      const problem = readStatus(w.tv.services, w.engine.outbox, w.tv.clock.now()).problems.find(
        (p) => p.code === 'BACKUP_FAILING',
      )!;
      expect(problem.params).toMatchObject({ since: started });
      expect(problem.message).toContain('afterword backup test');
      const actions = w.tv.vault.db.sqlite
        .prepare(`SELECT action FROM audit_log WHERE action LIKE 'backup.%'`)
        .all() as { action: string }[];
      expect(actions.map((a) => a.action)).toEqual(['backup.failing']);
    } finally {
      await server.restart();
    }

    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(w.last()?.seq).toBe(2);
    const health = readBackupHealth(w.tv.services, w.tv.clock.now());
    expect(health).toMatchObject({ failingSince: null, lastError: null, lastSuccess: { seq: 2 } });
    expect(readStatus(w.tv.services, w.engine.outbox, w.tv.clock.now()).problems.map((p) => p.code)).not.toContain(
      'BACKUP_FAILING',
    );
    const actions = w.tv.vault.db.sqlite
      .prepare(`SELECT action FROM audit_log WHERE action LIKE 'backup.%' ORDER BY seq`)
      .all() as { action: string }[];
    expect(actions.map((a) => a.action)).toEqual(['backup.failing', 'backup.recovered']);
  });

  it('tells the owner at once, not after a day, when a push finds the bucket rolled back', async () => {
    const w = await world('auto-rolled-back');
    await w.engine.runOnce('test');
    await w.engine.settled();
    addRecipient(w.tv, 'Alex');
    w.tv.clock.advance(DEBOUNCE_MS);
    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(w.last()?.seq).toBe(2);

    // Somebody with the bucket's keys deletes the newest snapshot: the bucket is put back a step.
    await rm(server.objectFile(`auto-rolled-back/${manifestKey(2)}`));
    addRecipient(w.tv, 'Sam');
    w.tv.clock.advance(DEBOUNCE_MS);
    await w.engine.runOnce('test');
    await w.engine.settled();
    const health = readBackupHealth(w.tv.services, w.tv.clock.now());
    expect(health.lastError).toMatch(/^INTEGRITY: /);
    const problem = readStatus(w.tv.services, w.engine.outbox, w.tv.clock.now()).problems.find(
      (p) => p.code === 'BACKUP_FAILING',
    );
    expect(problem?.params).toMatchObject({ since: w.tv.clock.now() });
    expect(distinctNotices(w.tv, 'tampered')).toBe(1);
    const failing = w.tv.vault.db.sqlite
      .prepare(`SELECT detail FROM audit_log WHERE action = 'backup.failing'`)
      .all() as { detail: string }[];
    expect(failing).toHaveLength(1);
    expect(JSON.parse(failing[0]!.detail)).toMatchObject({ tampered: true, notice: 0 });

    // The next attempt still finds it: no second notice before the weekly reminder.
    w.tv.clock.advance(RETRY_MAX_MS);
    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(distinctNotices(w.tv, 'tampered')).toBe(1);
    expect(distinctNotices(w.tv, 'failing')).toBe(0);
  });

  it('a bucket found rolled back after an outage was reported is told at once all the same', async () => {
    const w = await world('auto-outage-then-rolled-back');
    await w.engine.runOnce('test');
    await w.engine.settled();
    addRecipient(w.tv, 'Alex');
    w.tv.clock.advance(DEBOUNCE_MS);
    await server.stop();
    try {
      const started = w.tv.clock.now();
      while (w.tv.clock.now() - started < 25 * HOUR_MS) {
        await w.engine.runOnce('test');
        await w.engine.settled();
        w.tv.clock.advance(readBackupHealth(w.tv.services, w.tv.clock.now()).nextAt! - w.tv.clock.now());
      }
    } finally {
      await server.restart();
    }
    expect(distinctNotices(w.tv, 'failing')).toBe(1);

    await rm(server.objectFile(`auto-outage-then-rolled-back/${manifestKey(1)}`));
    await w.engine.runOnce('test');
    await w.engine.settled();
    expect(readBackupHealth(w.tv.services, w.tv.clock.now()).lastError).toMatch(/^INTEGRITY: /);
    expect(distinctNotices(w.tv, 'tampered')).toBe(1);
  });

  it('a pass does not wait for a push under way, and starts no second one meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let opened = 0;
    const slow: ObjectStoreFactory = (target) => {
      opened++;
      const store = s3ObjectStores(target);
      const put = store.put.bind(store);
      return Object.assign(store, {
        put: async (...args: Parameters<ObjectStore['put']>) => {
          await gate;
          return put(...args);
        },
      });
    };
    const w = await world('auto-slow', slow);
    await w.engine.runOnce('test'); // returns with the push started (it loads its code first), held at its first upload
    await vi.waitFor(() => expect(opened).toBe(1));
    expect(w.last()).toBeUndefined();
    w.tv.clock.advance(MINUTE_MS);
    const second = await w.engine.runOnce('test');
    expect(second.tick).toBeDefined();
    expect(opened).toBe(1);
    expect(w.last()).toBeUndefined();
    release();
    await w.engine.settled();
    expect(w.last()?.seq).toBe(1);
  });

  it('a shutdown cuts short a push that outlasts its grace: no manifest, no failure counted, and the next start pushes', async () => {
    const slow: ObjectStoreFactory = (target) => {
      const store = s3ObjectStores(target);
      const put = store.put.bind(store);
      return Object.assign(store, {
        put: async (...args: Parameters<ObjectStore['put']>) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return put(...args);
        },
      });
    };
    const w = await world('auto-cut', slow);
    await w.engine.runOnce('test'); // the push is under way, slowly
    await w.engine.stopBackups(50);
    expect(w.last()).toBeUndefined();
    expect(readBackupHealth(w.tv.services, w.tv.clock.now()).failingSince).toBeNull();
    const manifests = join(server.directory, server.bucket, 'auto-cut', 'manifests');
    expect(existsSync(manifests) ? await readdir(manifests) : []).toEqual([]);
    w.tv.clock.advance(MINUTE_MS);
    await w.engine.runOnce('test'); // a stopped engine starts no push
    await w.engine.settled();
    expect(w.last()).toBeUndefined();

    const next = createEngine(w.tv.services, { clock: w.tv.clock, objectStores: s3ObjectStores });
    engines.push(next);
    await next.runOnce('test');
    await next.settled();
    expect(w.last()?.seq).toBe(1);
  });

  it('does nothing without a target, and stops retrying once the target is removed', async () => {
    const tv = await createTestVault({ prefix: 'aw-auto-backup-' });
    vaults.push(tv);
    let opened = 0;
    const counting: ObjectStoreFactory = (target) => {
      opened++;
      return s3ObjectStores(target);
    };
    const engine = createEngine(tv.services, { clock: tv.clock, objectStores: counting });
    engines.push(engine);
    await engine.runOnce('test');
    await engine.settled();
    expect(opened).toBe(0);
    const none = { configured: false, lastSuccess: null, failingSince: null, lastError: null, nextAt: null };
    expect(readBackupHealth(tv.services, tv.clock.now())).toEqual(none);

    // Nothing listens on port 9 of this machine: the push fails and is retried later.
    const backups = new BackupService(tv.services, counting);
    backups.setTarget({ ...server.target('auto-removed'), endpoint: 'http://127.0.0.1:9' });
    await engine.runOnce('test');
    await engine.settled();
    expect(opened).toBe(1);
    expect(readBackupHealth(tv.services, tv.clock.now()).failingSince).toBe(tv.clock.now());
    backups.removeTarget();
    tv.clock.advance(2 * RETRY_MAX_MS);
    await engine.runOnce('test');
    await engine.settled();
    expect(opened).toBe(1);
    expect(readBackupHealth(tv.services, tv.clock.now())).toEqual(none);
  });

  it('runs in the scheduler of AppCore (the desktop app and the runner), whose stop lets a quick push finish before the vault closes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'aw-auto-backup-app-'));
    const clock = new ManualClock(T0);
    const deps = { clock, scrypt: { logN: 15, r: 8, p: 1 }, marks: new FileKeyStore(join(root, 'marks')) };
    const vaultDir = join(root, 'vault');
    const app = new AppCore({
      vaultDir,
      keyStore: new FileKeyStore(join(root, 'keys')),
      objectStores: s3ObjectStores,
      ...deps,
    });
    await app.create(TEST_PASSWORD);
    new BackupService(app.unlockedServices(), s3ObjectStores).setTarget(server.target('auto-app'));
    const scheduler = new AppScheduler(app, { cron: '0 0 1 1 *' });
    await scheduler.runNow('test');
    await scheduler.stop();
    await app.close();

    const stored = await readdir(join(server.directory, server.bucket, 'auto-app', 'manifests'));
    expect(stored.filter((name) => name.endsWith('._S3rver_object'))).toHaveLength(1);
    const vault = await Vault.open(vaultDir, deps);
    try {
      await vault.unlock(TEST_PASSWORD);
      const last = createVaultServices(vault, clock).settings.get<LastBackup>('backup.last');
      expect(last?.seq).toBe(1);
    } finally {
      await vault.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
