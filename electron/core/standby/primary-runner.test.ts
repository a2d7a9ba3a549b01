import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useConditionalS3rver } from '../../node/test-support/conditional-s3rver.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { BACKUP_SETTINGS } from '../backup/backup-health.js';
import { SETTINGS } from '../delivery/owner-settings.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import type { ChannelSender, OutgoingItem, SendResult } from '../delivery/delivery-types.js';
import type { BucketTarget } from '../ports/object-store.js';
import { readStatus } from '../schedule/status.js';
import { vaultWithDeliveries } from '../test-support/delivery-fixture.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { createTestVault, type TestVault } from '../test-support/vault-fixture.js';
import { leaseTiming } from './lease-decision.js';
import { LEASE_KEY } from './lease-record.js';
import { HELD_NOTICE_AFTER_MS } from './held-sends-notice.js';
import { PrimaryRunner } from './primary-runner.js';
import { RunnerCoordination } from './runner-coordination.js';
import { readRunnerFacts, RUNNER_FACTS_FILE } from './runner-facts-file.js';
import { STANDBY_MEMBERS_SETTING } from './standby-service.js';

const timing = leaseTiming(12 * 3_600_000);
const s3 = useConditionalS3rver();
let plain: S3rverProcess;
beforeAll(async () => {
  plain = await startS3rver('afterword');
}, 30_000);
afterAll(() => stopS3rver(plain));

let tv: TestVault | undefined;
afterEach(async () => {
  await tv?.dispose();
  tv = undefined;
});

let prefixNumber = 0;

/** A vault with two deliveries due and its engine behind a PrimaryRunner on a fresh prefix of `on`. */
async function primaryVault(options: { paired: boolean; on?: S3rverProcess }) {
  tv = await createTestVault();
  const { services, clock } = tv;
  const target: BucketTarget = (options.on ?? s3.server()).target(`primary-${++prefixNumber}`);
  services.settings.set(BACKUP_SETTINGS.target, target);
  if (options.paired) {
    services.settings.set(STANDBY_MEMBERS_SETTING, [{ name: 'NAS', recipient: 'age1x', fingerprint: 'f', addedAt: 0 }]);
  }
  const primary = new PrimaryRunner({
    services,
    stores: (t) => new S3ObjectStore(t),
    clock,
    dir: services.vault.dir,
    name: 'desk',
    timing,
  });
  const sent: string[] = [];
  const sender: ChannelSender = {
    async send(item: OutgoingItem): Promise<SendResult> {
      sent.push(item.idempotencyKey);
      return { ok: true, response: '250 queued' };
    },
  };
  const { engine } = await vaultWithDeliveries(['delivery:a', 'delivery:b'], sender, { sendGate: primary.gate }, tv);
  const store = new S3ObjectStore(target);
  const standbyClock = new ManualClock(Date.UTC(2030, 0, 1));
  const standby = new RunnerCoordination({
    store,
    clock: standbyClock,
    keys: deriveBackupKeys(services.vault.contentKey.key, services.vault.vaultId),
    vaultId: services.vault.vaultId,
    self: { id: 'run_nas', name: 'NAS' },
    role: 'standby',
    timing,
  });
  const problems = () => readStatus(services, engine.outbox, clock.now()).problems;
  return { services, clock, engine, primary, sent, store, standby, standbyClock, problems };
}

describe('PrimaryRunner: the primary side of a paired standby (real S3 servers)', () => {
  it('a vault without a standby is not touched: no gate engaged, no lease, no runner.json', async () => {
    const v = await primaryVault({ paired: false });
    await v.primary.beforeDrain();
    expect(v.primary.gate.engaged?.()).toBe(false);
    expect((await v.engine.worker.drain()).sent).toBe(2);
    expect(await v.store.get(LEASE_KEY)).toBeNull();
    expect(v.primary.facts()).toBeNull();
    expect(existsSync(join(v.services.vault.dir, RUNNER_FACTS_FILE))).toBe(false);
    v.store.close();
  });

  it('with a standby paired it takes the lease before sending, and writes its facts beside the vault', async () => {
    const v = await primaryVault({ paired: true });
    expect(v.primary.gate.engaged?.()).toBe(true);
    await v.primary.beforeDrain();
    const lease = JSON.parse(new TextDecoder().decode((await v.store.get(LEASE_KEY))!));
    const id = readFileSync(join(v.services.vault.dir, 'runner-id'), 'utf8').trim();
    expect(lease).toMatchObject({ holder: { id, name: 'desk' }, epoch: 1 });
    expect((await v.engine.worker.drain()).sent).toBe(2);
    expect(readRunnerFacts(v.services.vault.dir, v.clock.now())).toMatchObject({
      role: 'primary',
      leaseHolder: { id, name: 'desk' },
      leaseEpoch: 1,
      stale: false,
    });
    expect(readRunnerFacts(v.services.vault.dir, v.clock.now() + 3 * timing.renewEveryMs + 1).stale).toBe(true);
    v.store.close();
  });

  it('a standby that took over: nothing sent here, STANDBY_TOOK_OVER with its name and the warning it sent; gone once the lease is back', async () => {
    const v = await primaryVault({ paired: true });
    await v.primary.beforeDrain();
    await v.standby.tick();
    v.standbyClock.advance(timing.ttlMs + timing.marginMs);
    expect(await v.standby.tick()).toMatchObject({ step: 'takeover', wrote: true });
    const tookOverAt = v.standbyClock.now();
    v.clock.advance(timing.renewEveryMs);
    await v.primary.beforeDrain();
    expect(v.primary.facts()).toMatchObject({ role: 'standby', leaseHolder: { name: 'NAS' }, leaseEpoch: 2 });
    expect(v.problems()).toContainEqual(
      expect.objectContaining({ code: 'STANDBY_TOOK_OVER', params: { standby: 'NAS', at: tookOverAt } }),
    );
    expect((await v.engine.worker.drain()).attempted).toBe(0);
    expect(v.sent).toEqual([]);
    // The standby sends warning 2; the primary learns it from the claim's receipt.
    const planId = v.services.plans.defaultPlanId()!;
    const warning = `warning:${planId}:1:2:email`;
    v.services.settings.set('owner', { email: 'me@example.org', name: null });
    v.engine.outbox.enqueue({ kind: 'warning', channel: 'email', planId, level: 2, cycle: 1, idempotencyKey: warning });
    expect(await v.standby.gate.beforeSend(warning)).toEqual({ send: true });
    v.standbyClock.advance(60_000);
    await v.standby.gate.afterSend(warning);
    await v.engine.worker.drain();
    expect(v.problems().find((p) => p.code === 'STANDBY_TOOK_OVER')).toMatchObject({
      params: { standby: 'NAS', at: tookOverAt, level: 2, levelAt: tookOverAt + 60_000 },
      message: expect.stringContaining('warning 2 sent'),
    });
    // The standby hands the lease back: the primary takes it at its next pass, and the problem goes.
    expect(await v.standby.release()).toBe(true);
    await v.primary.beforeDrain();
    expect(v.problems().map((p) => p.code)).not.toContain('STANDBY_TOOK_OVER');
    expect((await v.engine.worker.drain()).sent).toBe(2);
    v.store.close();
  });

  it('a bucket that cannot be reached: sends are held, and after 15 minutes the owner is told by a notice that is not held', async () => {
    const v = await primaryVault({ paired: true });
    v.services.settings.set(SETTINGS.owner, { email: 'owner@example.org', name: null });
    // Nothing listens on port 9 of this machine.
    v.services.settings.set(BACKUP_SETTINGS.target, {
      ...s3.server().target('unreachable'),
      endpoint: 'http://127.0.0.1:9',
    });
    await v.primary.beforeDrain();
    expect((await v.engine.worker.drain()).sent).toBe(0);
    expect(v.sent).toEqual([]);
    v.clock.advance(HELD_NOTICE_AFTER_MS);
    await v.primary.beforeDrain();
    await v.engine.worker.drain(); // finds the deliveries still held: the notice is enqueued
    await v.engine.worker.drain(); // the next pass sends it; the deliveries stay held
    expect(v.sent).toEqual([expect.stringMatching(/^notice:standby-unreachable:\d+:email$/)]);
    // Told once per outage, however long it lasts.
    v.clock.advance(HELD_NOTICE_AFTER_MS);
    await v.engine.worker.drain();
    expect(v.sent).toHaveLength(1);
    v.store.close();
  });

  it('a bucket that ignores conditional writes: standby is refused there, and this computer sends as before', async () => {
    const v = await primaryVault({ paired: true, on: plain });
    await v.primary.beforeDrain();
    expect(v.primary.gate.engaged?.()).toBe(false);
    expect((await v.engine.worker.drain()).sent).toBe(2);
    v.store.close();
  });
});
