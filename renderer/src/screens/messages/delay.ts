const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const MAX_DELAY_DAYS = 3650;

export interface Delay {
  days: number;
  hours: number;
}

/** A delivery delay in milliseconds as whole days and hours (minutes are dropped: the form has none). */
export function splitDelay(ms: number): Delay {
  const totalHours = Math.floor(Math.max(0, ms) / HOUR);
  return { days: Math.floor(totalHours / 24), hours: totalHours % 24 };
}

/** Days and hours back to milliseconds, clamped to what the contract accepts. */
export function joinDelay({ days, hours }: Delay): number {
  const d = Math.min(MAX_DELAY_DAYS, Math.max(0, Math.floor(days || 0)));
  const h = Math.min(23, Math.max(0, Math.floor(hours || 0)));
  return Math.min(MAX_DELAY_DAYS * DAY, d * DAY + h * HOUR);
}
