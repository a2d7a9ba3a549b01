import { describe, expect, it } from 'vitest';
import type { ChannelSender, OutgoingItem, SendResult } from './delivery-types.js';
import { lazySender } from './lazy-sender.js';

const item = { id: 'out_1' } as unknown as OutgoingItem;
const sent: SendResult = { ok: true, response: 'sent' };

function countingSender(): ChannelSender & { sends: number; closes: number } {
  return {
    sends: 0,
    closes: 0,
    async send() {
      this.sends++;
      return sent;
    },
    async close() {
      this.closes++;
    },
  };
}

describe('lazySender', () => {
  it('builds the sender at the first send, once, and closes what it built', async () => {
    const real = countingSender();
    let loads = 0;
    const sender = lazySender(async () => {
      loads++;
      return real;
    });
    expect(loads).toBe(0);
    await expect(sender.send(item)).resolves.toBe(sent);
    await sender.send(item);
    expect(loads).toBe(1);
    expect(real.sends).toBe(2);
    await sender.close?.();
    expect(real.closes).toBe(1);
  });

  it('closing one that never sent loads nothing', async () => {
    let loads = 0;
    const sender = lazySender(async () => {
      loads++;
      return countingSender();
    });
    await sender.close?.();
    expect(loads).toBe(0);
  });

  it('a failed load fails that send, and the next send loads again', async () => {
    const real = countingSender();
    let loads = 0;
    const sender = lazySender(async () => {
      loads++;
      if (loads === 1) throw new Error('the module could not be read');
      return real;
    });
    await expect(sender.send(item)).rejects.toThrow('the module could not be read');
    await expect(sender.send(item)).resolves.toBe(sent);
    expect(loads).toBe(2);
    expect(real.sends).toBe(1);
  });
});
