// Test helper: a vault with deliveries due and an engine to send them. Only for *.test.ts files.
import { createEngine, type EnginePorts } from '../engine.js';
import type { ChannelSender } from '../delivery/delivery-types.js';
import { createTestVault, type TestVault } from './vault-fixture.js';

/** An SMTP account nothing listens on (tests send through their own ChannelSender). */
export const TEST_SMTP = {
  host: '127.0.0.1',
  port: 25,
  tls: 'none',
  user: null,
  password: null,
  from: 'a@example.org',
} as const;

/** The SMTP account of a test server listening on loopback at `port`, without TLS or login. */
export const loopbackSmtp = (port: number) => ({
  ...TEST_SMTP,
  port,
  from: 'afterword@example.org',
});

/**
 * A vault with SMTP set up, one message for one recipient, an engine whose e-mail goes to
 * `sender` (with `ports` beside), and a delivery row for each key (claimed in this order).
 */
export async function vaultWithDeliveries(
  keys: readonly string[],
  sender: ChannelSender,
  ports: Omit<EnginePorts, 'clock' | 'emailSenderFor'> = {},
  tv?: TestVault,
) {
  const vault = tv ?? (await createTestVault());
  const { services, clock } = vault;
  services.settings.set('smtp', TEST_SMTP);
  const r = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' });
  const m = services.messages.create({ title: 't', body: 'b', recipientIds: [r.id] });
  const engine = createEngine(services, { ...ports, clock, emailSenderFor: () => sender });
  services.vault.db.q.transaction(() => {
    for (const key of keys)
      engine.outbox.enqueue({
        kind: 'delivery',
        channel: 'email',
        messageId: m,
        recipientId: r.id,
        idempotencyKey: key,
      });
  });
  const { sqlite } = services.vault.db;
  const statusOf = (key: string) =>
    sqlite.prepare('SELECT status FROM outbox WHERE idempotency_key = ?').pluck().get(key);
  const journalSize = () => sqlite.prepare('SELECT count(*) FROM outbox_sent_journal').pluck().get() as number;
  return { tv: vault, services, clock, engine, sqlite, statusOf, journalSize, messageId: m };
}
