import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';
import type { ChannelSender, OutgoingItem, SendResult } from './delivery-types.js';
import { createTestVault, type TestVault } from '../test-support/vault-fixture.js';

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

describe('OutboxWorker.drain', () => {
  it.each([1, 4, 7])('records every send exactly once with %i lanes (grouped commits lose nothing)', async (concurrency) => {
    tv = await createTestVault();
    const { services, clock } = tv;
    services.settings.set('smtp', { host: '127.0.0.1', port: 25, tls: 'none', user: null, password: null, from: 'a@example.org' });
    const r = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' });
    const m = services.messages.create({ title: 't', body: 'b', recipientIds: [r.id] });
    const sent: string[] = [];
    const engine = createEngine(services, { clock, concurrency, emailSenderFor: () => jitterySender(sent) });
    services.vault.db.q.transaction(() => {
      for (let i = 0; i < 150; i++) {
        engine.outbox.enqueue({ kind: 'delivery', channel: 'email', messageId: m, recipientId: r.id, idempotencyKey: `k${i}` });
      }
    });
    const report = await engine.worker.drain();
    expect(report).toEqual({ attempted: 150, sent: 150, retrying: 0, failed: 0 });
    expect(new Set(sent).size).toBe(150);
    expect(sent).toHaveLength(150);
    const statuses = services.vault.db.sqlite.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all();
    expect(statuses).toEqual([{ status: 'sent', n: 150 }]);
    const attempts = services.vault.db.sqlite.prepare('SELECT count(*) FROM delivery_attempts').pluck().get();
    expect(attempts).toBe(150);
    // The worker's bookkeeping commits with synchronous=NORMAL; everything else must be FULL again.
    expect(services.vault.db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    await engine.close();
  });
});
