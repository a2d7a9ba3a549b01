/**
 * Dates, times and durations in the reader's language, through Intl only (no bundled locale data).
 * Pure functions of (value, language) so they are tested in Node; components use useFormat().
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type DurationUnit = 'day' | 'hour' | 'minute' | 'second';
const UNITS: readonly [DurationUnit, number][] = [
  ['day', DAY],
  ['hour', HOUR],
  ['minute', MINUTE],
  ['second', SECOND],
];

/** 12 Mar 2026, 14:05 / 2026年3月12日 14:05 */
export function formatDateTime(ms: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** Wednesday 12 March 2026 at 14:05 — for the one date that matters most on a screen. */
export function formatLongDateTime(ms: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'full', timeStyle: 'short' }).format(ms);
}

/** in 3 days / 5 minutes ago / 3天后 / 5分钟前 */
export function formatRelative(targetMs: number, nowMs: number, language: string): string {
  const diff = targetMs - nowMs;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  if (abs < MINUTE) return rtf.format(Math.round(diff / SECOND), 'second');
  if (abs < HOUR) return rtf.format(Math.round(diff / MINUTE), 'minute');
  if (abs < DAY) return rtf.format(Math.round(diff / HOUR), 'hour');
  return rtf.format(Math.round(diff / DAY), 'day');
}

/**
 * 3 days 4 hours / 3天4小时: the largest `maxUnits` non-zero units, rounded down (a countdown
 * never claims more time than is left). Seconds appear only when less than an hour remains.
 */
export function formatDuration(ms: number, language: string, maxUnits = 2): string {
  let rest = Math.max(0, Math.floor(ms / SECOND) * SECOND);
  const withSeconds = rest < HOUR;
  const parts: string[] = [];
  let taken = 0;
  for (const [unit, size] of UNITS) {
    if (unit === 'second' && !withSeconds) break;
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (taken === 0 && count === 0) continue;
    taken += 1;
    if (count > 0) parts.push(unitText(count, unit, language));
    if (taken >= maxUnits) break;
  }
  if (parts.length === 0) return unitText(0, withSeconds ? 'second' : 'minute', language);
  return new Intl.ListFormat(language, { style: 'narrow', type: 'unit' }).format(parts);
}

function unitText(count: number, unit: DurationUnit, language: string): string {
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(count);
}

/** A, B and C / A、B和C: a list in the language's own style (Chinese uses 、). */
export function formatList(items: readonly string[], language: string): string {
  return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(items);
}

/**
 * The same list as pieces, so that each item can be rendered as an element (a link): `item` is
 * the index into `count` items, else `text` is a separator.
 */
export function listPieces(count: number, language: string): ({ item: number } | { text: string })[] {
  const placeholders = Array.from({ length: count }, (_, i) => `\u0000${i}\u0000`);
  let next = 0;
  return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' })
    .formatToParts(placeholders)
    .map((part) => (part.type === 'element' ? { item: next++ } : { text: part.value }));
}

/** 1,234 / 1,234 */
export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language).format(value);
}
