import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../shared/durations.js';
import { defaultPlanSpec } from '../../../shared/plans.js';
import { INITIAL_RUNTIME, simulate } from './plan-machine.js';
import { createEngine } from '../engine.js';
import { readStatus } from './status.js';
import { createTestVault } from '../test-support/vault-fixture.js';

describe('simulate and the delivery date the owner is told', () => {
  const plan = defaultPlanSpec(); // 30 d, then 3 + 3 + 3 + 2 + 2 days
  const now = Date.UTC(2027, 0, 1);
  const scheduled = { ...INITIAL_RUNTIME, phase: 'scheduled' as const, waitFrom: now };

  it('adds the shortest delivery delay after the final wait', () => {
    const plain = simulate(plan, scheduled, now);
    const delayed = simulate(plan, scheduled, now, 7 * DAY_MS);
    expect(plain.map((e) => [e.event, e.level])).toEqual([
      ['warning', 1],
      ['warning', 2],
      ['warning', 3],
      ['warning', 4],
      ['warning', 5],
      ['delivery', 5],
    ]);
    expect(plain.at(-1)!.at).toBe(now + 43 * DAY_MS);
    expect(delayed.at(-1)!.at).toBe(now + 50 * DAY_MS);
    expect(delayed.slice(0, 5)).toEqual(plain.slice(0, 5));
  });

  it('status reports the delivery date including the delay of the earliest message', async () => {
    const tv = await createTestVault();
    try {
      const { services, clock } = tv;
      const engine = createEngine(services, { clock });
      const rcp = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' });
      services.messages.create({ title: 'a', body: 'b', recipientIds: [rcp.id], deliveryDelayMs: 9 * DAY_MS });
      services.messages.create({ title: 'c', body: 'd', recipientIds: [rcp.id], deliveryDelayMs: 4 * DAY_MS });
      engine.scheduler.tick();
      const status = readStatus(services, engine.outbox, clock.now());
      const plan = status.plans.find((p) => p.phase === 'scheduled')!;
      expect(plan.deliveryAt).toBe(clock.now() + (30 + 13 + 4) * DAY_MS);
      await engine.close();
    } finally {
      await tv.dispose();
    }
  });
});
