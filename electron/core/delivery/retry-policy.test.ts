import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../shared/durations.js';
import { GIVE_UP_AFTER_MS, channelKind, nextRetryAt } from './retry-policy.js';

const T0 = Date.UTC(2026, 0, 1);

/** The delays between attempts when every attempt fails at once, until the policy gives up. */
function delays(kind: 'email' | 'webhook', retryAfterMs?: number): number[] {
  const out: number[] = [];
  let now = T0;
  for (let attempts = 1; ; attempts++) {
    const at = nextRetryAt(kind, attempts, T0, now, retryAfterMs);
    if (at === null) return out;
    out.push(at - now);
    now = at;
  }
}

describe('nextRetryAt', () => {
  it('retries webhooks on the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 10 h)', () => {
    const webhook = delays('webhook');
    expect(webhook.slice(0, 8)).toEqual([
      5_000,
      5 * MINUTE_MS,
      30 * MINUTE_MS,
      2 * HOUR_MS,
      5 * HOUR_MS,
      10 * HOUR_MS,
      10 * HOUR_MS,
      10 * HOUR_MS,
    ]);
  });

  it('retries e-mail with growing delays, then every 4 h', () => {
    const email = delays('email');
    expect(email.slice(0, 9)).toEqual([
      MINUTE_MS,
      5 * MINUTE_MS,
      15 * MINUTE_MS,
      30 * MINUTE_MS,
      HOUR_MS,
      2 * HOUR_MS,
      4 * HOUR_MS,
      4 * HOUR_MS,
      4 * HOUR_MS,
    ]);
  });

  it.each(['email', 'webhook'] as const)(
    'gives up on %s once the next try would fall more than five days after the first',
    (kind) => {
      const schedule = delays(kind);
      const lastTry = T0 + schedule.reduce((a, b) => a + b, 0);
      expect(lastTry - T0).toBeLessThanOrEqual(GIVE_UP_AFTER_MS);
      expect(GIVE_UP_AFTER_MS).toBe(5 * DAY_MS);
      // The try after the last one would have been past the five days.
      expect(nextRetryAt(kind, schedule.length + 1, T0, lastTry)).toBeNull();
      expect(lastTry - T0).toBeGreaterThan(GIVE_UP_AFTER_MS - 10 * HOUR_MS);
    },
  );

  it("honours a server's Retry-After when it asks for longer, never shorter", () => {
    expect(nextRetryAt('webhook', 1, T0, T0, 60_000)).toBe(T0 + 60_000);
    expect(nextRetryAt('webhook', 3, T0, T0, 60_000)).toBe(T0 + 30 * MINUTE_MS);
    expect(nextRetryAt('email', 1, T0, T0, 6 * DAY_MS)).toBeNull();
  });

  it('knows the channel kinds', () => {
    expect([channelKind('email'), channelKind('desktop'), channelKind('webhook:phone')]).toEqual([
      'email',
      'desktop',
      'webhook',
    ]);
  });
});
