import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../shared/durations.js';

/** Standard Webhooks' schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 10 h. */
const WEBHOOK_DELAYS = [5_000, 5 * MINUTE_MS, 30 * MINUTE_MS, 2 * HOUR_MS, 5 * HOUR_MS, 10 * HOUR_MS];
/** E-mail: growing delays, then every 4 h. */
const EMAIL_DELAYS = [MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS, HOUR_MS, 2 * HOUR_MS, 4 * HOUR_MS];

/** Temporary failures are retried for this long after the first attempt, then reported as failed. */
export const GIVE_UP_AFTER_MS = 5 * DAY_MS;

export type ChannelKind = 'email' | 'webhook' | 'desktop';

export function channelKind(channel: string): ChannelKind {
  if (channel === 'email') return 'email';
  if (channel === 'desktop') return 'desktop';
  return 'webhook';
}

/**
 * When to try again after `attempts` failed attempts, or null to give up. A server's
 * Retry-After is honoured when it asks for longer.
 */
export function nextRetryAt(
  kind: ChannelKind,
  attempts: number,
  firstAttemptAt: number,
  now: number,
  retryAfterMs?: number,
): number | null {
  const table = kind === 'webhook' ? WEBHOOK_DELAYS : EMAIL_DELAYS;
  const base = table[Math.min(attempts - 1, table.length - 1)] ?? table[table.length - 1]!;
  const delay = Math.max(base, retryAfterMs ?? 0);
  const at = now + delay;
  if (at - firstAttemptAt > GIVE_UP_AFTER_MS) return null;
  return at;
}
