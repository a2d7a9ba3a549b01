import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE_MS, DAY_MS } from '../../../shared/durations.js';
import { createEngine } from '../engine.js';
import type { ChannelSender, SendResult } from '../delivery/delivery-types.js';
import { createTestVault, type TestVault } from '../test-support/vault-fixture.js';

/** An e-mail channel that is down (temporary failure) until `up` is set. */
function flakyEmail(): ChannelSender & { up: boolean; sent: string[] } {
  const sender = {
    up: false,
    sent: [] as string[],
    async send(item: { idempotencyKey: string }): Promise<SendResult> {
      if (!sender.up) return { ok: false, permanent: false, errorCode: 'SMTP_CONNECTION', response: 'down' };
      sender.sent.push(item.idempotencyKey);
      return { ok: true, response: '250 ok' };
    },
  };
  return sender;
}

const okWebhook: ChannelSender = { send: async () => ({ ok: true, response: 'HTTP 200' }) };

let tv: TestVault | undefined;
afterEach(async () => {
  await tv?.dispose();
  tv = undefined;
});

async function setup(levelChannels: string) {
  tv = await createTestVault();
  const { services, clock } = tv;
  services.settings.set('owner', { email: 'owner@example.org', name: null });
  services.settings.set('smtp', {
    host: '127.0.0.1',
    port: 1,
    tls: 'none',
    user: null,
    password: null,
    from: 'aw@example.org',
  });
  const level = { waitMs: 10 * MINUTE_MS, channels: levelChannels.split('+') as ('desktop' | 'email')[] };
  const plan = services.plans.create({
    name: 'Short',
    intervalMs: 10 * MINUTE_MS,
    levels: [level, level, level, level, level],
  });
  const rcp = services.recipients.add({ type: 'webhook', name: 'Kin', contact: 'https://kin.example.org/hook' });
  const email = flakyEmail();
  const engine = createEngine(services, { clock, emailSenderFor: () => email, webhookSender: okWebhook });
  return { services, clock, plan, rcp, email, engine };
}

describe('outbox hygiene', () => {
  it('after an e-mail outage the owner gets the current warning, not a burst of stale ones', async () => {
    const { services, clock, plan, rcp, email, engine } = await setup('desktop+email');
    services.messages.create({ title: 't', body: 'b', recipientIds: [rcp.id], planId: plan.id });
    await engine.runOnce(); // armed
    const state = () =>
      services.vault.db.sqlite.prepare('SELECT state, level FROM plan_state WHERE plan_id = ?').get(plan.id) as {
        state: string;
        level: number;
      };
    // Desktop receipts move the plan on while e-mail keeps failing; stop while level 3 waits.
    for (let i = 0; i < 40 && !(state().state === 'waiting' && state().level === 3); i++) {
      clock.advance(3 * MINUTE_MS);
      await engine.runOnce();
    }
    expect(state()).toEqual({ state: 'waiting', level: 3 });
    const levelNow = 3;
    email.up = true;
    clock.advance(DAY_MS / 4); // past every retry delay
    await engine.worker.drain();
    const levelsSent = email.sent.map((key) => Number(key.split(':')[3]));
    expect(levelsSent).toEqual([levelNow]);
    const superseded = services.vault.db.sqlite
      .prepare(
        `SELECT count(*) FROM outbox WHERE kind = 'warning' AND status = 'cancelled' AND last_error LIKE 'superseded%'`,
      )
      .pluck()
      .get() as number;
    expect(superseded).toBe(levelNow - 1);
  });

  it('a forward clock jump during a delivery delay postpones the delivery by the jump', async () => {
    const { services, clock, plan, rcp, engine } = await setup('desktop');
    services.messages.create({
      title: 't',
      body: 'b',
      recipientIds: [rcp.id],
      planId: plan.id,
      deliveryDelayMs: 2 * DAY_MS,
    });
    await engine.runOnce();
    for (let i = 0; i < 30; i++) {
      clock.advance(6 * MINUTE_MS);
      await engine.runOnce();
    }
    const row = () =>
      services.vault.db.sqlite.prepare(`SELECT status, not_before FROM outbox WHERE kind = 'delivery'`).get() as
        { status: string; not_before: number } | undefined;
    const before = row();
    expect(before).toMatchObject({ status: 'pending' });
    clock.setWall(clock.now() + 30 * DAY_MS); // wall jumps; the monotonic clock did not move
    const { tick, drain } = await engine.runOnce();
    expect(tick.clockJumpMs).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(drain.sent).toBe(0);
    expect(row()).toMatchObject({ status: 'pending', not_before: before!.not_before + tick.clockJumpMs });
    clock.advance(2 * DAY_MS + MINUTE_MS); // real time passes: now it goes
    const after = await engine.runOnce();
    expect(after.drain.sent).toBe(1);
  });
});
