import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../shared/durations.js';
import type { ChannelSender, OutgoingItem, SendResult } from './delivery/delivery-types.js';
import { createEngine } from './engine.js';
import { createTestVault, type TestVault } from './test-support/vault-fixture.js';
import { readStatus } from './schedule/status.js';
import { sendTestToOwner } from './test-send.js';
import { TEST_SMTP } from './test-support/delivery-fixture.js';

let tv: TestVault | undefined;
afterEach(async () => {
  await tv?.dispose();
  tv = undefined;
});

/** An e-mail channel that answers what `answer` says, and lists what it was given. */
function relay(answer: (item: OutgoingItem) => SendResult) {
  const seen: OutgoingItem[] = [];
  const sender: ChannelSender = { send: async (item) => (seen.push(item), answer(item)) };
  return { sender, seen };
}

async function world(answer: (item: OutgoingItem) => SendResult) {
  tv = await createTestVault();
  const { services, clock } = tv;
  services.settings.set('owner', { email: 'me@example.org', name: null });
  services.settings.set('smtp', TEST_SMTP);
  const anna = services.recipients.add({ type: 'email', name: 'Anna', contact: 'anna@example.org' });
  const messageId = services.messages.create({ title: 'For Anna', body: 'The keys.', recipientIds: [anna.id] });
  const { sender, seen } = relay(answer);
  const engine = createEngine(services, { clock, emailSenderFor: () => sender });
  return { services, clock, engine, messageId, seen };
}

describe('sendTestToOwner', () => {
  it('says what became of this very send, not of another row sent or failed in the same drain', async () => {
    // Another row fails for good in the same drain; the test itself goes out.
    const w = await world((item) =>
      item.idempotencyKey === 'other'
        ? { ok: false, permanent: true, errorCode: 'SMTP_REJECTED', response: '550 no' }
        : { ok: true, response: '250 ok' },
    );
    w.services.vault.db.q.transaction(() =>
      w.engine.outbox.enqueue({ kind: 'notice', channel: 'email', idempotencyKey: 'other', payload: null }),
    );
    const result = await sendTestToOwner(w.engine, w.services, w.messageId);
    expect(result).toMatchObject({ state: 'sent', error: null });
    expect(w.seen.find((i) => i.idempotencyKey.startsWith('test-send:'))!.target).toMatchObject({
      to: 'me@example.org',
    });
    await w.engine.close();
  });

  it('a test that did not go out is withdrawn with its reason, not sent on a later tick', async () => {
    const w = await world(() => ({
      ok: false,
      permanent: false,
      errorCode: 'SMTP_CONNECTION',
      response: 'ECONNREFUSED',
    }));
    const result = await sendTestToOwner(w.engine, w.services, w.messageId);
    expect(result.state).toBe('failed');
    expect(result.error).toMatch(
      /^SMTP_CONNECTION: ECONNREFUSED \(not retried: send the test again once this is fixed\)$/,
    );
    const attempts = w.seen.length;
    w.clock.advance(DAY_MS);
    await w.engine.runOnce('timer');
    expect(w.seen).toHaveLength(attempts);
    await w.engine.close();
  });

  it('tests are counted apart from deliveries, with their outcome, and the history says which failed', async () => {
    let up = true;
    const w = await world(() =>
      up
        ? { ok: true, response: '250 ok' }
        : { ok: false, permanent: false, errorCode: 'SMTP_CONNECTION', response: 'ECONNREFUSED' },
    );
    await sendTestToOwner(w.engine, w.services, w.messageId);
    up = false;
    w.clock.advance(1000);
    await sendTestToOwner(w.engine, w.services, w.messageId);
    const status = readStatus(w.services, w.engine.outbox, w.clock.now());
    expect(status.outbox).toMatchObject({ sent: 0, failed: 0, pending: 0 });
    expect(status.failures).toEqual([]);
    expect(status.tests).toEqual({
      passed: 1,
      failed: 1,
      last: { at: expect.any(Number), ok: false, channel: 'email', kind: 'message' },
    });
    const audit = w.services.vault.audit.page({ limit: 10 }).filter((r) => r.action.startsWith('outbox.'));
    expect(audit.map((r) => [r.action, (JSON.parse(r.detail) as { kind: string }).kind])).toEqual([
      ['outbox.failed', 'test'],
      ['outbox.sent', 'test'],
    ]);
    await w.engine.close();
  });
});
