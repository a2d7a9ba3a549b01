// A webhook whose host resolves to this machine, without the own-network flag: the warning is not
// posted there, the send fails for good with the reason, and the owner is told on another channel.
import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../shared/durations.js';
import { SETTINGS } from './delivery/owner-settings.js';
import { createEngine } from './engine.js';
import { startSmtpServer, type TestSmtpServer } from './test-support/smtp-server.js';
import { createTestVault, type TestVault } from './test-support/vault-fixture.js';
import type { ResolveHost } from './delivery/webhook-destination.js';
import { WebhookSender } from './delivery/webhook-sender.js';
import { startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver.js';

let tv: TestVault | undefined;
let smtp: TestSmtpServer | undefined;
let hooks: WebhookReceiver | undefined;
afterEach(async () => {
  await tv?.dispose();
  await smtp?.close();
  await hooks?.close();
  tv = smtp = hooks = undefined;
});

describe('a warning webhook that resolves to this machine', () => {
  it('is refused at send time unless marked as on the own network; the owner hears of it by e-mail', async () => {
    tv = await createTestVault();
    smtp = await startSmtpServer();
    hooks = await startWebhookReceiver();
    const { services, clock } = tv;
    services.settings.set(SETTINGS.owner, { email: 'me@example.org', name: null });
    services.settings.set(SETTINGS.smtp, {
      host: '127.0.0.1',
      port: smtp.port,
      tls: 'none',
      user: null,
      password: null,
      from: 'a@example.org',
    });
    const port = new URL(hooks.base).port;
    // A name that looks public when saved and resolves to this machine when sent (DNS rebinding).
    services.webhooks.add('home', `http://hooks.example.test:${port}/home`, 'whsec_' + 'A'.repeat(32));
    const plan = services.plans.create({
      name: 'Phone and mail',
      intervalMs: 10 * MINUTE_MS,
      levels: Array.from({ length: 5 }, () => ({
        waitMs: 5 * MINUTE_MS,
        channels: ['email' as const, 'webhook:home' as const],
      })),
    });
    const anna = services.recipients.add({ type: 'email', name: 'Anna', contact: 'anna@example.org' });
    services.messages.create({ title: 'For Anna', body: 'The keys.', planId: plan.id, recipientIds: [anna.id] });
    const resolveHost: ResolveHost = async (hostname) =>
      hostname === 'hooks.example.test' ? [{ address: '127.0.0.1', family: 4 }] : [];
    const engine = createEngine(services, { clock, webhookSender: new WebhookSender({ resolveHost }) });
    const { sqlite } = tv.vault.db;
    try {
      for (let i = 0; i < 15; i++) {
        await engine.runOnce('timer');
        clock.advance(MINUTE_MS);
      }
      const hook = sqlite
        .prepare(
          `SELECT status, last_error FROM outbox WHERE kind = 'warning' AND channel = 'webhook:home' AND level = 1`,
        )
        .get() as {
        status: string;
        last_error: string;
      };
      expect(hook.status).toBe('failed');
      // The stored answer does not name the host (webhook URLs are stored encrypted).
      expect(hook.last_error).toMatch(/^WEBHOOK_PRIVATE_ADDRESS: \[host\] resolves to 127\.0\.0\.1/);
      expect(hooks.received.filter((h) => h.path === '/home')).toEqual([]);
      const notices = sqlite
        .prepare(`SELECT channel FROM outbox WHERE kind = 'notice' AND status = 'sent'`)
        .pluck()
        .all();
      expect(notices).toContain('email');
      expect(
        smtp.received.some(
          (m) =>
            m.to.includes('me@example.org') && /WEBHOOK_PRIVATE_ADDRESS|private network/.test(m.raw.toString('utf8')),
        ),
      ).toBe(true);

      // Marked as on the own network, the next level's warning reaches the receiver on loopback.
      services.webhooks.setAllowPrivateNetwork('home', true);
      hooks.setSecret('/home', 'whsec_' + 'A'.repeat(32));
      for (let i = 0; i < 15 && hooks.received.filter((h) => h.path === '/home').length === 0; i++) {
        await engine.runOnce('timer');
        clock.advance(MINUTE_MS);
      }
      expect(hooks.received.filter((h) => h.path === '/home' && h.verified)).not.toEqual([]);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
