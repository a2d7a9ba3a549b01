import type { Logger } from '../core/ports/logger.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * `json`: one object per line (`{"time","level","logger","message",…fields}`), for the desktop app.
 * `text`: `<time> <level> [<logger>] <message> {fields}`, for `afterword serve` read by people.
 */
export type LogFormat = 'json' | 'text';

export interface StderrLoggerOptions {
  format?: LogFormat;
  /** Entries below this level are dropped (`info` by default). */
  minLevel?: LogLevel;
  /** Where each line goes (stderr by default). */
  write?: (line: string) => void;
  now?: () => number;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** The entry's own keys, which a field of the same name must not overwrite. */
const OWN_KEYS = new Set(['time', 'level', 'logger', 'message']);
// eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
const CONTROL = /[\u0000-\u001f\u007f]/g;

// Logs carry file paths and origins on purpose, so these patterns are narrower than the ones for
// server replies: an address needs a local part without '/' (a scoped package path such as
// node_modules/@scope/pkg is not one); a URL keeps its origin and loses path and query (where
// tokens live); a bare host/path is a URL only when it does not continue a file path
// (resources/app.asar/dist, /srv/afterword.data/vault).
const ADDRESS = /(?<![\w/.+-])[^\s<>"'(),;:[\]/@]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;
const URL_PATH = /\b(https?:\/\/[^\s<>"'/?#]+)[/?#][^\s<>"']*/gi;
const BARE_URL = /(?<![\w@./:-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?\/[^\s<>"']*/gi;

function redactForLog(text: string): string {
  return text.replace(URL_PATH, '$1/[path]').replace(BARE_URL, '[url]').replace(ADDRESS, '[address]');
}

/** A string as it may be logged: addresses and URL paths out (an error can echo them), one line. */
function cleanText(text: string): string {
  return redactForLog(text).replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function cleanValue(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return cleanText(value.message);
  // Objects are never written whole: they may carry content, keys or addresses.
  return `[${Array.isArray(value) ? 'array' : typeof value}]`;
}

/**
 * The redaction both formats share: only primitive fields, strings without addresses, URLs or
 * line breaks, and no field that overwrites the entry's own keys (it is written as `field.<name>`).
 */
export function redactFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue;
    out[OWN_KEYS.has(key) ? `field.${key}` : key] = cleanValue(value);
  }
  return out;
}

function formatLine(
  format: LogFormat,
  time: string,
  level: LogLevel,
  logger: string,
  message: string,
  fields: Record<string, unknown>,
): string {
  if (format === 'json') return `${JSON.stringify({ time, level, logger, message, ...fields })}\n`;
  const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  return `${time} ${level} [${logger}] ${message}${extra}\n`;
}

/**
 * One line per entry on stderr (or any sink), in the format the app chooses, with the same
 * redaction in both. Callers pass ids, codes and counts only, never content, keys or addresses
 * (see the Logger port); the redaction is the net under that rule, not a licence to break it.
 */
export function createStderrLogger(name: string, options: StderrLoggerOptions = {}): Logger {
  const format = options.format ?? 'json';
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const min = ORDER[options.minLevel ?? 'info'];
  const now = options.now ?? Date.now;
  const at =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (ORDER[level] < min) return;
      write(formatLine(format, new Date(now()).toISOString(), level, name, cleanText(message), redactFields(fields)));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (child) => createStderrLogger(`${name}.${child}`, options),
  };
}
