import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';
import type { ChannelSender, OutgoingItem, SendResult } from './delivery-types.js';
import { DEFAULT_LEASE_MS, RECORD_AFTER_MS } from './outbox-worker.js';
import { SentJournal } from './sent-journal.js';
import { createTestVault, type TestVault } from '../test-support/vault-fixture.js';
import { TEST_SMTP, vaultWithDeliveries } from '../test-support/delivery-fixture.js';
import { ON_OWN_NETWORK } from '../test-support/webhook-receiver.js';

let tv: TestVault | undefined;
afterEach(async () => {
  await tv?.dispose();
  tv = undefined;
});

/** An e-mail channel with a random latency per mail, so lanes finish out of order. */
function jitterySender(sent: string[]): ChannelSender {
  return {
    async send(item: OutgoingItem): Promise<SendResult> {
      await new Promise((r) => setTimeout(r, Math.random() * 4));
      sent.push(item.idempotencyKey);
      return { ok: true, response: '250 queued' };
    },
  };
}

/** vaultWithDeliveries, disposed after the test. */
async function deliveries(keys: readonly string[], sender: ChannelSender, concurrency?: number) {
  const fixture = await vaultWithDeliveries(keys, sender, { concurrency });
  tv = fixture.tv;
  return fixture;
}

/** A sender that holds the mail with the key 'slow' until `release()`; every send is listed in `sent`. */
function holdingSender() {
  const sent: string[] = [];
  let release: () => void = () => undefined;
  const slow = new Promise<void>((resolve) => (release = resolve));
  const sender: ChannelSender = {
    async send(item: OutgoingItem): Promise<SendResult> {
      if (item.idempotencyKey === 'slow') await slow;
      sent.push(item.idempotencyKey);
      return { ok: true, response: '250 queued' };
    },
  };
  return { sender, sent, release: () => release() };
}

// Claimed in this order, with two lanes: the first lane takes 'slow' and, while it is out,
// 'queued' as its next row; the second lane takes 'fast'.
const HELD_BEHIND_SLOW = ['slow', 'queued', 'fast'];

describe('OutboxWorker.drain', () => {
  it.each([1, 4, 7])(
    'records every send exactly once with %i lanes (grouped commits lose nothing)',
    async (concurrency) => {
      const sent: string[] = [];
      const keys = Array.from({ length: 150 }, (_, i) => `k${i}`);
      const { services, engine, journalSize } = await deliveries(keys, jitterySender(sent), concurrency);
      const report = await engine.worker.drain();
      expect(report).toEqual({ attempted: 150, sent: 150, retrying: 0, failed: 0 });
      expect(new Set(sent).size).toBe(150);
      expect(sent).toHaveLength(150);
      const statuses = services.vault.db.sqlite
        .prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status')
        .all();
      expect(statuses).toEqual([{ status: 'sent', n: 150 }]);
      const attempts = services.vault.db.sqlite.prepare('SELECT count(*) FROM delivery_attempts').pluck().get();
      expect(attempts).toBe(150);
      // Every note of the sent journal was recorded in full and removed.
      expect(journalSize()).toBe(0);
      // The worker's bookkeeping commits with synchronous=NORMAL; everything else must be FULL again.
      expect(services.vault.db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
      await engine.close();
    },
  );
});

describe('OutboxWorker and the crash bound', () => {
  it.each([1, 3])(
    'with %i lanes, a lane sends again only once its last accepted send is noted or recorded',
    async (lanes) => {
      // Answers at once, so the sends of several lanes finish in the same turn and share a note commit.
      let answered = 0;
      let durable = (): number => 0;
      const unnoted: number[] = [];
      const sender: ChannelSender = {
        async send(): Promise<SendResult> {
          unnoted.push(answered - durable());
          answered++;
          return { ok: true, response: '250 queued' };
        },
      };
      const keys = Array.from({ length: 60 }, (_, i) => `n${i}`);
      const { engine, sqlite, journalSize } = await deliveries(keys, sender, lanes);
      const sentRows = sqlite.prepare(`SELECT count(*) FROM outbox WHERE status = 'sent'`).pluck();
      durable = () => journalSize() + (sentRows.get() as number);
      expect(await engine.worker.drain()).toEqual({ attempted: 60, sent: 60, retrying: 0, failed: 0 });
      expect(unnoted).toHaveLength(60);
      // A kill at any send repeats at most the sends on the wire: one per other lane, besides this one.
      expect(Math.max(...unnoted)).toBeLessThanOrEqual(lanes - 1);
      await engine.close();
    },
  );
});

/** One delivery row claimed, as a worker does just before sending it. */
async function oneClaimedDelivery() {
  const sent: string[] = [];
  const fixture = await deliveries(['k-journal'], jitterySender(sent));
  const [row] = fixture.engine.outbox.claimDue(1, DEFAULT_LEASE_MS);
  const status = () => fixture.sqlite.prepare('SELECT status, completed_at FROM outbox WHERE id = ?').get(row!.id);
  return { ...fixture, row: row!, sent, status };
}

describe('OutboxWorker and the sent journal', () => {
  it('records a send that a killed process noted but never recorded, without sending it again', async () => {
    const { services, clock, engine, row, sent, sqlite, status } = await oneClaimedDelivery();
    // The process that claimed the row sent it (after the row waited its turn in the queue),
    // noted the relay's answer, and died.
    const claimedAt = clock.now();
    const acceptedAt = claimedAt + 10_000;
    new SentJournal(services.vault.db).note(row.id, acceptedAt, '250 2.0.0');

    // Within the lease nobody touches it: the process might still be alive.
    clock.advance(DEFAULT_LEASE_MS / 2);
    expect(await engine.worker.drain()).toEqual({ attempted: 0, sent: 0, retrying: 0, failed: 0 });
    expect(status()).toMatchObject({ status: 'sending' });

    // The claim's lease ran out but the note is younger than a lease: still not sent again.
    clock.setWall(claimedAt + DEFAULT_LEASE_MS + 1);
    expect(await engine.worker.drain()).toEqual({ attempted: 0, sent: 0, retrying: 0, failed: 0 });
    expect(sent).toEqual([]);
    expect(status()).toMatchObject({ status: 'sending' });

    clock.setWall(acceptedAt + DEFAULT_LEASE_MS);
    expect(await engine.worker.drain()).toEqual({ attempted: 1, sent: 1, retrying: 0, failed: 0 });
    expect(sent).toEqual([]);
    // Recorded as of when the relay accepted it (a warning's wait starts at its receipt).
    expect(status()).toEqual({ status: 'sent', completed_at: acceptedAt });
    expect(
      sqlite.prepare('SELECT at, outcome, response FROM delivery_attempts WHERE outbox_id = ?').all(row.id),
    ).toEqual([{ at: acceptedAt, outcome: 'sent', response: '250 2.0.0' }]);
    const audit = sqlite
      .prepare(`SELECT detail FROM audit_log WHERE action = 'outbox.sent' AND entity_id = ?`)
      .pluck()
      .all(row.id) as string[];
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!)).toMatchObject({ kind: 'delivery', channel: 'email', recordedAfterRestart: true });
    expect(sqlite.prepare('SELECT count(*) FROM outbox_sent_journal').pluck().get()).toBe(0);
    await engine.close();
  });

  it('sends again a claimed row that has no note once its lease ran out (the send may never have left)', async () => {
    const { clock, engine, sent, status } = await oneClaimedDelivery();
    clock.advance(DEFAULT_LEASE_MS + 1);
    expect(await engine.worker.drain()).toEqual({ attempted: 1, sent: 1, retrying: 0, failed: 0 });
    expect(sent).toEqual(['k-journal']);
    expect(status()).toMatchObject({ status: 'sent' });
    await engine.close();
  });

  it('records finished sends within RECORD_AFTER_MS while other lanes are still busy', async () => {
    const { sender, release } = holdingSender();
    const { engine, statusOf } = await deliveries(HELD_BEHIND_SLOW, sender, 2);
    const drained = engine.worker.drain();
    // The fast send is noted at once and recorded in full by the timer, with the slow one still out.
    const started = Date.now();
    while (statusOf('fast') !== 'sent' && Date.now() - started < RECORD_AFTER_MS * 5)
      await new Promise((r) => setTimeout(r, 20));
    expect(statusOf('fast')).toBe('sent');
    expect(statusOf('slow')).toBe('sending');
    release();
    expect(await drained).toEqual({ attempted: 3, sent: 3, retrying: 0, failed: 0 });
    expect(statusOf('slow')).toBe('sent');
    await engine.close();
  });
});

describe('OutboxWorker when recording fails', () => {
  it('a timed record that meets a locked database is kept and recorded later: nothing escapes, nothing goes out twice', async () => {
    const { sender, sent, release } = holdingSender();
    const { services, engine, sqlite, statusOf, journalSize } = await deliveries(HELD_BEHIND_SLOW, sender, 2);
    sqlite.pragma('busy_timeout = 100'); // fail fast instead of waiting the usual 5 s
    const drained = engine.worker.drain();
    while (journalSize() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const notedAt = Date.now();
    // Another process holds the write lock until the timed record has come and failed.
    const other = new Database(join(services.vault.dir, 'vault.db'));
    other.exec('BEGIN IMMEDIATE');
    while (Date.now() < notedAt + RECORD_AFTER_MS + 600) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statusOf('fast')).toBe('sending');
    other.exec('ROLLBACK');
    other.close();
    release();
    // The failed group was kept: the end of the drain records all three, each sent once.
    expect(await drained).toEqual({ attempted: 3, sent: 3, retrying: 0, failed: 0 });
    expect(sent.sort()).toEqual(['fast', 'queued', 'slow']);
    expect(HELD_BEHIND_SLOW.map(statusOf)).toEqual(['sent', 'sent', 'sent']);
    expect(journalSize()).toBe(0);
    await engine.close();
  });
});

describe('OutboxWorker: rows that wait in its queue', () => {
  it('does not send queued rows that a check-in cancelled meanwhile (the one on the wire finishes)', async () => {
    const { sender, sent, release } = holdingSender();
    const { clock, engine, sqlite, statusOf } = await deliveries(['slow', 'a', 'b'], sender, 1);
    const drained = engine.worker.drain();
    while (statusOf('slow') !== 'sending') await new Promise((resolve) => setTimeout(resolve, 5));
    // What Outbox.cancelPending does on "I'm here", for every row of these deliveries.
    sqlite
      .prepare(
        `UPDATE outbox SET status = 'cancelled', completed_at = ?, updated_at = ? WHERE status IN ('pending', 'sending')`,
      )
      .run(clock.now(), clock.now());
    release();
    expect(await drained).toEqual({ attempted: 1, sent: 1, retrying: 0, failed: 0 });
    expect(sent).toEqual(['slow']);
    expect(['slow', 'a', 'b'].map(statusOf)).toEqual(['sent', 'cancelled', 'cancelled']);
    await engine.close();
  });

  it('stopTaking (quitting): the send on the wire finishes and is recorded; the rest stays for a later drain', async () => {
    const { sender, sent, release } = holdingSender();
    const { engine, statusOf } = await deliveries(['slow', 'a', 'b'], sender, 1);
    const drained = engine.worker.drain();
    while (statusOf('slow') !== 'sending') await new Promise((resolve) => setTimeout(resolve, 5));
    engine.worker.stopTaking();
    release();
    expect(await drained).toEqual({ attempted: 1, sent: 1, retrying: 0, failed: 0 });
    expect(sent).toEqual(['slow']);
    expect(statusOf('slow')).toBe('sent');
    // Claimed but never sent: back to pending, not left `sending` until a lease runs out.
    expect(['a', 'b'].map(statusOf)).toEqual(['pending', 'pending']);
    // The next drain (of this or the next process) takes them at once.
    expect(await engine.worker.drain()).toEqual({ attempted: 2, sent: 2, retrying: 0, failed: 0 });
    expect(sent).toEqual(['slow', 'a', 'b']);
    await engine.close();
  });

  it('renews the lease of a row that waited long behind a slow send, and leaves one another process has taken', async () => {
    const { sender, sent, release } = holdingSender();
    const { clock, engine, sqlite, statusOf } = await deliveries(['slow', 'late', 'taken'], sender, 1);
    const updatedAt = (key: string) =>
      sqlite.prepare('SELECT updated_at FROM outbox WHERE idempotency_key = ?').pluck().get(key) as number;
    const drained = engine.worker.drain();
    while (statusOf('slow') !== 'sending') await new Promise((resolve) => setTimeout(resolve, 5));
    const claimedAt = clock.now();
    // The slow send takes half a lease; meanwhile another process (a cron `tick`) has taken
    // 'taken' (as it may once a lease ran out: here its claim is simply written over).
    clock.advance(DEFAULT_LEASE_MS / 2);
    sqlite
      .prepare(`UPDATE outbox SET updated_at = ?, attempts = attempts + 1 WHERE idempotency_key = 'taken'`)
      .run(clock.now());
    const lateBefore = updatedAt('late');
    release();
    expect(await drained).toEqual({ attempted: 2, sent: 2, retrying: 0, failed: 0 });
    // 'late' had waited half a lease: renewed, then sent; 'taken' is the other process's.
    expect(sent).toEqual(['slow', 'late']);
    expect(updatedAt('late')).toBeGreaterThan(lateBefore);
    expect(statusOf('taken')).toBe('sending');
    expect(updatedAt('taken')).toBeGreaterThan(claimedAt);
    await engine.close();
  });
});

describe('OutboxWorker: a permanent failure is reported on every other channel of the owner', () => {
  it("a warning the owner's e-mail refused: notices on the desktop and each webhook, none by e-mail", async () => {
    tv = await createTestVault();
    const { services, clock } = tv;
    services.settings.set('smtp', TEST_SMTP);
    services.webhooks.add('phone', 'http://127.0.0.1:9/phone', 'whsec_' + 'A'.repeat(32), ON_OWN_NETWORK);
    services.webhooks.add('server', 'http://127.0.0.1:9/server', 'whsec_' + 'B'.repeat(32), ON_OWN_NETWORK);
    const planId = services.plans.defaultPlanId()!;
    const refusing: ChannelSender = {
      send: async () => ({ ok: false, permanent: true, errorCode: 'SMTP_REJECTED', response: '550 No such user here' }),
    };
    const engine = createEngine(services, { clock, emailSenderFor: () => refusing, webhookSender: refusing });
    services.vault.db.q.transaction(() =>
      engine.outbox.enqueue({
        kind: 'warning',
        channel: 'email',
        planId,
        level: 3,
        cycle: 1,
        idempotencyKey: 'warning:3:email',
      }),
    );
    const { sqlite } = services.vault.db;
    const noticeChannels = () =>
      sqlite.prepare(`SELECT channel FROM outbox WHERE kind = 'notice' ORDER BY channel`).pluck().all() as string[];
    await engine.worker.drain();
    expect(sqlite.prepare(`SELECT status FROM outbox WHERE kind = 'warning'`).pluck().get()).toBe('failed');
    expect(noticeChannels()).toEqual(['desktop', 'webhook:phone', 'webhook:server']);
    await engine.close();
  });
});
