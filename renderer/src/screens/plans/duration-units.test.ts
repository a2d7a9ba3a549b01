import { describe, expect, it } from 'vitest';
import { bestUnit } from './duration-units';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './plan-draft';

describe('bestUnit', () => {
  it('picks the largest unit that gives a whole number', () => {
    expect(bestUnit(7 * DAY_MS)).toBe('days');
    expect(bestUnit(36 * HOUR_MS)).toBe('hours');
    expect(bestUnit(90 * MINUTE_MS)).toBe('minutes');
    expect(bestUnit(Number.NaN)).toBe('minutes');
  });
});
