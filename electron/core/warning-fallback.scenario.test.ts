// A warning the owner's e-mail refuses for good: the level is given on the desktop instead (with
// "I'm here"), and its wait is timed from that desktop warning, not from the refusal. The plan
// only reaches delivery after all five levels reached the owner somewhere.
import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../shared/durations.js';
import type { ChannelSender } from './delivery/delivery-types.js';
import { SETTINGS } from './delivery/owner-settings.js';
import { createEngine } from './engine.js';
import { PlanStore } from './schedule/plan-store.js';
import { startSmtpServer, type TestSmtpServer } from './test-support/smtp-server.js';
import { createTestVault, type TestVault } from './test-support/vault-fixture.js';
import { ON_OWN_NETWORK } from './test-support/webhook-receiver.js';
import { TEST_SMTP } from './test-support/delivery-fixture.js';

let tv: TestVault | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await tv?.dispose();
  await smtp?.close();
  tv = smtp = undefined;
});

const WAIT = 5 * MINUTE_MS;

/** Five e-mail-only levels (10 min interval, 5 min waits), the owner's address refused by the relay (550), one message for Anna. */
async function ownerRefusedByTheRelay() {
  tv = await createTestVault();
  smtp = await startSmtpServer();
  const { services, clock } = tv;
  services.settings.set(SETTINGS.owner, { email: 'rcpt550@owner.example', name: null }); // the relay says 550
  services.settings.set(SETTINGS.smtp, {
    host: '127.0.0.1',
    port: smtp.port,
    tls: 'none',
    user: null,
    password: null,
    from: 'a@example.org',
  });
  const plan = services.plans.create({
    name: 'By e-mail',
    intervalMs: 10 * MINUTE_MS,
    levels: Array.from({ length: 5 }, () => ({ waitMs: WAIT, channels: ['email' as const] })),
  });
  const anna = services.recipients.add({ type: 'email', name: 'Anna', contact: 'anna@example.org' });
  services.messages.create({
    title: 'For Anna',
    body: 'The keys are with the neighbour.',
    planId: plan.id,
    recipientIds: [anna.id],
  });
  const engine = createEngine(services, { clock });
  return { clock, plan, engine, store: new PlanStore(tv.vault.db), sqlite: tv.vault.db.sqlite, smtp };
}

describe('a warning the owner cannot receive by e-mail', () => {
  it('is given on the desktop instead, and each wait runs from that desktop warning', async () => {
    const { clock, plan, engine, store, sqlite, smtp } = await ownerRefusedByTheRelay();
    try {
      for (let i = 0; i < 120 && store.runtime(plan.id).phase !== 'sent'; i++) {
        await engine.runOnce('timer');
        clock.advance(MINUTE_MS);
      }
      expect(store.runtime(plan.id).phase).toBe('sent');

      type Row = {
        channel: string;
        level: number;
        status: string;
        created_at: number;
        completed_at: number;
        last_error: string | null;
      };
      const warnings = sqlite
        .prepare(
          `SELECT channel, level, status, created_at, completed_at, last_error FROM outbox WHERE kind = 'warning' ORDER BY level, channel`,
        )
        .all() as Row[];
      // Every level: the e-mail refused (reported, not retried), the desktop warning given.
      for (let level = 1; level <= 5; level++) {
        const mine = warnings.filter((w) => w.level === level);
        expect(mine.map((w) => [w.channel, w.status])).toEqual([
          ['desktop', 'sent'],
          ['email', 'failed'],
        ]);
        expect(mine[1]!.last_error).toMatch(/^SMTP_REJECTED: 550/);
      }
      const prompts = sqlite
        .prepare(`SELECT level FROM desktop_prompts WHERE kind = 'warning' ORDER BY level`)
        .pluck()
        .all();
      expect(prompts).toEqual([1, 2, 3, 4, 5]);
      // Each next level came only after the full wait from the previous level's desktop warning.
      const desktop = warnings.filter((w) => w.channel === 'desktop');
      for (let level = 2; level <= 5; level++) {
        const next = warnings.find((w) => w.level === level && w.channel === 'email')!;
        expect(next.created_at - desktop[level - 2]!.completed_at).toBeGreaterThanOrEqual(WAIT);
      }
      const delivery = sqlite.prepare(`SELECT created_at FROM outbox WHERE kind = 'delivery'`).get() as {
        created_at: number;
      };
      expect(delivery.created_at - desktop[4]!.completed_at).toBeGreaterThanOrEqual(WAIT);
      expect(smtp.received.filter((m) => m.to.includes('anna@example.org'))).toHaveLength(1);
      // The owner's e-mail is what fails: no notice goes there; the desktop has one per level.
      const notices = sqlite
        .prepare(`SELECT channel, count(*) AS n FROM outbox WHERE kind = 'notice' GROUP BY channel`)
        .all();
      expect(notices).toEqual([{ channel: 'desktop', n: 5 }]);
    } finally {
      await engine.close();
    }
  }, 60_000);

  it('waits for a channel that is only retrying: one refused for good does not move the level on the desktop alone', async () => {
    tv = await createTestVault();
    const { services, clock } = tv;
    services.settings.set(SETTINGS.owner, { email: 'me@example.org', name: null });
    services.settings.set(SETTINGS.smtp, TEST_SMTP);
    services.webhooks.add('phone', 'http://127.0.0.1:9/phone', 'whsec_' + 'A'.repeat(32), ON_OWN_NETWORK);
    const plan = services.plans.create({
      name: 'Mail and phone',
      intervalMs: 10 * MINUTE_MS,
      levels: Array.from({ length: 5 }, () => ({
        waitMs: WAIT,
        channels: ['email' as const, 'webhook:phone' as const],
      })),
    });
    const anna = services.recipients.add({ type: 'email', name: 'Anna', contact: 'anna@example.org' });
    services.messages.create({ title: 'For Anna', body: 'The keys.', planId: plan.id, recipientIds: [anna.id] });
    let relayUp = false;
    const email: ChannelSender = {
      send: async () =>
        relayUp
          ? { ok: true, response: '250 queued' }
          : { ok: false, permanent: false, errorCode: 'SMTP_CONNECTION', response: 'ECONNREFUSED' },
    };
    const gone: ChannelSender = {
      send: async () => ({ ok: false, permanent: true, errorCode: 'WEBHOOK_REJECTED', response: 'HTTP 410' }),
    };
    const engine = createEngine(services, { clock, emailSenderFor: () => email, webhookSender: gone });
    const store = new PlanStore(tv.vault.db);
    const { sqlite } = tv.vault.db;
    const desktopWarnings = () =>
      sqlite.prepare(`SELECT count(*) FROM outbox WHERE kind = 'warning' AND channel = 'desktop'`).pluck().get();
    try {
      for (let i = 0; i < 120; i++) {
        await engine.runOnce('timer');
        clock.advance(MINUTE_MS);
      }
      // Two hours with the relay down: level 1 is still out, waiting for the e-mail.
      expect(store.runtime(plan.id)).toMatchObject({ phase: 'warning', level: 1 });
      expect(desktopWarnings()).toBe(0);
      relayUp = true;
      clock.advance(6 * 60 * MINUTE_MS); // past the next e-mail retry
      await engine.runOnce('timer');
      await engine.runOnce('timer');
      expect(store.runtime(plan.id)).toMatchObject({ phase: 'waiting', level: 1 });
      expect(
        sqlite.prepare(`SELECT channel, status FROM outbox WHERE kind = 'warning' ORDER BY channel`).all(),
      ).toEqual([
        { channel: 'email', status: 'sent' },
        { channel: 'webhook:phone', status: 'failed' },
      ]);
      expect(desktopWarnings()).toBe(0);
    } finally {
      await engine.close();
    }
  }, 60_000);

  it('a check-in at the desktop warning stops it all', async () => {
    const { clock, plan, engine, store, sqlite, smtp } = await ownerRefusedByTheRelay();
    const desktopWarnings = () =>
      sqlite.prepare(`SELECT count(*) FROM desktop_prompts WHERE kind = 'warning'`).pluck().get() as number;
    try {
      for (let i = 0; i < 60 && desktopWarnings() === 0; i++) {
        await engine.runOnce('timer');
        clock.advance(MINUTE_MS);
      }
      expect(desktopWarnings()).toBe(1);
      engine.scheduler.checkIn('desktop');
      await engine.runOnce('timer');
      expect(store.runtime(plan.id).phase).toBe('scheduled');
      // Past the time the messages would have gone out (five 5-minute waits), not yet at the new one.
      for (let i = 0; i < 30; i++) {
        clock.advance(MINUTE_MS);
        await engine.runOnce('timer');
      }
      expect(['scheduled', 'warning', 'waiting']).toContain(store.runtime(plan.id).phase);
      expect(sqlite.prepare(`SELECT count(*) FROM outbox WHERE kind = 'delivery'`).pluck().get()).toBe(0);
      expect(smtp.received.filter((m) => m.to.includes('anna@example.org'))).toEqual([]);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
