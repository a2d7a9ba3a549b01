/** Durations written the way people say them: `30d`, `12h`, `45m`, or combined `1d12h`. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const UNITS: Record<string, number> = { d: DAY_MS, h: HOUR_MS, m: MINUTE_MS };
const PATTERN = /^(?:(\d{1,5})d)?(?:(\d{1,6})h)?(?:(\d{1,7})m)?$/;
const MAX_MS = 3650 * DAY_MS;
/** The longest a plan may be paused: ten years, like the longest duration. */
export const MAX_PAUSE_MS = MAX_MS;
/** The latest date any input may name (the end of year 9999): `Date` and the timeline stay exact. */
export const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export class DurationError extends Error {}

/** Parses `30d`, `12h`, `45m`, `1d12h`. Refuses anything under one minute or over ten years. */
export function parseDuration(text: string): number {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+\s*s(?:ec(?:ond)?s?)?$/.test(trimmed)) {
    throw new DurationError(
      `"${text}" is in seconds: the shortest duration is one minute (1m); write minutes, hours or days like 45m`,
    );
  }
  const match = PATTERN.exec(trimmed);
  if (!trimmed || !match || (!match[1] && !match[2] && !match[3])) {
    throw new DurationError(`"${text}" is not a duration: write it like 30d, 12h, 45m or 1d12h`);
  }
  const ms = Number(match[1] ?? 0) * UNITS.d! + Number(match[2] ?? 0) * UNITS.h! + Number(match[3] ?? 0) * UNITS.m!;
  if (ms < MINUTE_MS) throw new DurationError(`"${text}" is shorter than one minute: use at least 1m`);
  if (ms > MAX_MS) throw new DurationError(`"${text}" is longer than ten years`);
  return ms;
}

/** The shortest exact form: 90 minutes → `1h30m`, 3 days → `3d`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0m';
  let rest = Math.round(ms / MINUTE_MS);
  const days = Math.floor(rest / (24 * 60));
  rest -= days * 24 * 60;
  const hours = Math.floor(rest / 60);
  const minutes = rest - hours * 60;
  return `${days ? `${days}d` : ''}${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}` || '0m';
}
