import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatList, formatRelative, listPieces } from './format';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('formatDuration', () => {
  it('shows the two largest units, rounded down', () => {
    expect(formatDuration(3 * DAY + 4 * HOUR + 59 * 60_000, 'en')).toBe('3 days 4 hours');
    expect(formatDuration(3 * DAY + 4 * HOUR, 'zh-CN')).toBe('3天4小时');
  });
  it('drops a zero unit instead of showing it', () => {
    expect(formatDuration(2 * DAY + 5 * 60_000, 'en')).toBe('2 days');
  });
  it('shows seconds only in the last hour', () => {
    expect(formatDuration(12 * 60_000 + 5_000, 'en')).toBe('12 minutes 5 seconds');
    expect(formatDuration(HOUR + 5_000, 'en')).toBe('1 hour');
  });
  it('never goes below zero', () => {
    expect(formatDuration(-5_000, 'en')).toBe('0 seconds');
  });
});

describe('formatRelative', () => {
  it('picks a unit that reads naturally', () => {
    expect(formatRelative(3 * DAY, 0, 'en')).toBe('in 3 days');
    expect(formatRelative(0, 5 * 60_000, 'en')).toBe('5 minutes ago');
    expect(formatRelative(0, 5 * 60_000, 'zh-CN')).toBe('5分钟前');
  });
});

describe('formatDateTime', () => {
  it('follows the language', () => {
    const at = Date.UTC(2026, 2, 12, 14, 5);
    expect(formatDateTime(at, 'en')).toMatch(/2026/);
    expect(formatDateTime(at, 'zh-CN')).toMatch(/2026年/);
  });
});

describe('formatList', () => {
  it("joins with the language's own separators: 、 in Chinese", () => {
    expect(formatList(['Anna', 'Ben', 'Chen'], 'en')).toBe('Anna, Ben, and Chen');
    expect(formatList(['安娜', '本', '陈'], 'zh-CN')).toBe('安娜、本和陈');
    expect(formatList(['Anna'], 'zh-CN')).toBe('Anna');
  });
  it('gives the same list as pieces, items by index, for rendering links', () => {
    expect(listPieces(3, 'zh-CN')).toEqual([{ item: 0 }, { text: '、' }, { item: 1 }, { text: '和' }, { item: 2 }]);
    expect(listPieces(2, 'en')).toEqual([{ item: 0 }, { text: ' and ' }, { item: 1 }]);
  });
});
