import { DAY_MS, HOUR_MS, MINUTE_MS } from './plan-draft';

export type DurationUnit = 'minutes' | 'hours' | 'days';
export const UNIT_MS: Record<DurationUnit, number> = { minutes: MINUTE_MS, hours: HOUR_MS, days: DAY_MS };

/** The largest unit that shows the duration as a whole number (7 days, 36 hours, 90 minutes). */
export function bestUnit(ms: number): DurationUnit {
  if (ms > 0 && ms % DAY_MS === 0) return 'days';
  if (ms > 0 && ms % HOUR_MS === 0) return 'hours';
  return 'minutes';
}
