import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { useConditionalS3rver } from '../../node/test-support/conditional-s3rver.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import type { SendGate } from '../ports/send-gate.js';
import { claimKey } from '../standby/claims.js';
import { leaseTiming } from '../standby/lease-decision.js';
import { RunnerCoordination } from '../standby/runner-coordination.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { createTestVault, T0, type TestVault } from '../test-support/vault-fixture.js';
import { vaultWithDeliveries } from '../test-support/delivery-fixture.js';
import type { ChannelSender, OutgoingItem, SendResult } from './delivery-types.js';

const timing = leaseTiming(12 * 3_600_000);
const s3 = useConditionalS3rver();

let tv: TestVault | undefined;
afterEach(async () => {
  await tv?.dispose();
  tv = undefined;
});

let prefixNumber = 0;

/**
 * A vault with SMTP set up and `count` deliveries due, an engine whose e-mail is listed in `sent`
 * and whose gate is this primary's coordination on the real bucket (counting what it is asked),
 * and a standby runner of the same vault on that bucket with a clock of its own.
 */
async function gatedVault(count: number, concurrency = 1) {
  tv = await createTestVault();
  const { services, clock } = tv;
  const prefix = `gate-${++prefixNumber}`;
  const keys = deriveBackupKeys(new Uint8Array(randomBytes(32)), services.vault.vaultId);
  const coordinate = (name: string, role: 'primary' | 'standby', runnerClock: ManualClock) =>
    new RunnerCoordination({
      store: s3.store(prefix),
      clock: runnerClock,
      keys,
      vaultId: services.vault.vaultId,
      self: { id: `run_${name}`, name },
      role,
      timing,
    });
  const primary = coordinate('desk', 'primary', clock);
  const standbyClock = new ManualClock(Date.UTC(2030, 0, 1));
  const standby = coordinate('nas', 'standby', standbyClock);
  const asked: string[] = [];
  const sendGate: SendGate = {
    beforeSend: (key) => {
      asked.push(key);
      return primary.gate.beforeSend(key);
    },
    afterSend: (key) => primary.gate.afterSend(key),
  };
  const sent: string[] = [];
  const sender: ChannelSender = {
    async send(item: OutgoingItem): Promise<SendResult> {
      sent.push(item.idempotencyKey);
      return { ok: true, response: '250 queued' };
    },
  };
  const keysDue = Array.from({ length: count }, (_, i) => `delivery:test:${i}`);
  const { engine, messageId: m } = await vaultWithDeliveries(keysDue, sender, { concurrency, sendGate }, tv);
  const { sqlite } = services.vault.db;
  const rowOf = (key: string) =>
    sqlite.prepare('SELECT status, attempts, first_attempt_at FROM outbox WHERE idempotency_key = ?').get(key) as {
      status: string;
      attempts: number;
      first_attempt_at: number | null;
    };
  const attemptRows = () => sqlite.prepare('SELECT count(*) FROM delivery_attempts').pluck().get() as number;
  const store = s3.store(prefix);
  const claimOf = async (key: string) => {
    const bytes = await store.get(claimKey(key));
    return bytes
      ? (JSON.parse(new TextDecoder().decode(bytes)) as { runner: { name: string }; sentAt: number | null })
      : null;
  };
  /** The primary falls silent long enough for the standby to take the lease over. */
  const standbyTakesOver = async () => {
    await standby.tick();
    standbyClock.advance(timing.ttlMs + timing.marginMs);
    expect(await standby.tick()).toMatchObject({ step: 'takeover', wrote: true });
    clock.advance(timing.renewEveryMs);
    await primary.tick();
    expect(primary.holds()).toBe(false);
  };
  return {
    messageId: m,
    services,
    clock,
    engine,
    primary,
    standby,
    asked,
    sent,
    keysDue,
    rowOf,
    attemptRows,
    claimOf,
    standbyTakesOver,
  };
}

describe('OutboxWorker behind a send gate (a standby is paired; real conditional S3)', () => {
  it('the lease holder sends every row, each claimed first and given its receipt after', async () => {
    const v = await gatedVault(3, 2);
    await v.primary.tick();
    expect(await v.engine.worker.drain()).toEqual({ attempted: 3, sent: 3, retrying: 0, failed: 0 });
    expect([...v.sent].sort()).toEqual(v.keysDue);
    for (const key of v.keysDue) {
      expect(await v.claimOf(key)).toMatchObject({ runner: { name: 'desk' }, sentAt: T0 });
    }
  });

  it('a primary whose lease a standby took over sends nothing: rows stay pending, no attempt counted, each asked once a drain', async () => {
    // More rows than one claim takes (16 a lane): those given back are not claimed again in this drain.
    const v = await gatedVault(40);
    await v.primary.tick();
    await v.standbyTakesOver();
    expect(await v.engine.worker.drain()).toEqual({ attempted: 0, sent: 0, retrying: 0, failed: 0 });
    expect(v.sent).toEqual([]);
    expect(v.asked.sort()).toEqual([...v.keysDue].sort());
    for (const key of v.keysDue)
      expect(v.rowOf(key)).toEqual({ status: 'pending', attempts: 0, first_attempt_at: null });
    expect(v.attemptRows()).toBe(0);
    expect(await v.claimOf(v.keysDue[0]!)).toBeNull(); // a runner without the lease writes no claim
    // The next drain asks again (and still sends nothing); once the lease is back, they go.
    v.clock.advance(timing.renewEveryMs);
    await v.engine.worker.drain();
    expect(v.sent).toEqual([]);
    expect(await v.standby.release()).toBe(true);
    await v.primary.tick();
    expect(v.primary.holds()).toBe(true);
    expect((await v.engine.worker.drain()).sent).toBe(40);
    expect(v.rowOf(v.keysDue[0]!)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a row the standby sent is recorded here as sent there, naming it, and never sent from here', async () => {
    const v = await gatedVault(2);
    await v.primary.tick();
    await v.standbyTakesOver();
    const [sentThere, notYet] = v.keysDue as [string, string];
    expect(await v.standby.gate.beforeSend(sentThere)).toEqual({ send: true });
    await v.standby.gate.afterSend(sentThere);
    const report = await v.engine.worker.drain();
    expect(report).toEqual({ attempted: 1, sent: 1, retrying: 0, failed: 0 });
    expect(v.sent).toEqual([]);
    expect(v.rowOf(sentThere).status).toBe('sent');
    expect(v.rowOf(notYet)).toEqual({ status: 'pending', attempts: 0, first_attempt_at: null });
    const { sqlite } = v.services.vault.db;
    const attempt = sqlite.prepare('SELECT outcome, response FROM delivery_attempts').get() as { response: string };
    expect(attempt).toEqual({ outcome: 'sent', response: 'sent by the runner "nas"' });
    const audit = sqlite
      .prepare("SELECT detail FROM audit_log WHERE action = 'outbox.sent' ORDER BY seq DESC LIMIT 1")
      .pluck()
      .get() as string;
    expect(JSON.parse(audit)).toMatchObject({
      kind: 'delivery',
      sentBy: 'nas',
      sentByAt: Date.UTC(2030, 0, 1) + timing.ttlMs + timing.marginMs,
    });
  });

  it('test sends and desktop prompts are not gated: the owner asked for them here, and they reach nobody else', async () => {
    const v = await gatedVault(0);
    await v.primary.tick();
    await v.standbyTakesOver();
    const { services, engine } = v;
    services.settings.set('owner', { email: 'me@example.org', name: 'Me' });
    const planId = services.plans.defaultPlanId()!;
    services.vault.db.q.transaction(() => {
      engine.outbox.enqueue({ kind: 'test', channel: 'email', messageId: v.messageId, idempotencyKey: 'test-send:1' });
      engine.outbox.enqueue({
        kind: 'warning',
        channel: 'desktop',
        planId,
        level: 1,
        cycle: 1,
        idempotencyKey: `warning:${planId}:1:1:desktop`,
      });
    });
    const report = await engine.worker.drain();
    expect(report.sent).toBe(2);
    expect(v.sent).toEqual(['test-send:1']);
    expect(v.asked).toEqual([]);
    const prompts = services.vault.db.sqlite.prepare('SELECT count(*) FROM desktop_prompts').pluck().get();
    expect(prompts).toBe(1);
  });
});
