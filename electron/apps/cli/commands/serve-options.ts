import { fileURLToPath } from 'node:url';
import { BadRequestError } from '../../../core/errors.js';
import type { Clock } from '../../../core/ports/clock.js';
import { testClockFromEnv } from '../../../node/fake-clock.js';
import { DurationError, formatDuration, parseDuration, DAY_MS } from '../../../../shared/durations.js';
import { MIN_CHOSEN_TOKEN_LENGTH } from '../../runner/setup-token.js';
import type { CliContext } from '../cli-context.js';

/** dist/electron/apps/cli/commands/ → dist/renderer, where the UI build puts the web app. */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../../../renderer/', import.meta.url));

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535)
    throw new BadRequestError(`--port must be a number from 0 to 65535, not "${text}"`);
  return port;
}

export function parsePublicUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadRequestError(`--public-url must be a full URL such as https://afterword.example.org, not "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BadRequestError('--public-url must start with http:// or https://');
  if (url.search || url.hash || url.username || url.password)
    throw new BadRequestError('--public-url must not carry a query, fragment or credentials');
  return url.href.replace(/\/+$/, '');
}

/** A setup token chosen by a script: long enough to be unguessable, and plain enough for a URL. */
export function parseSetupToken(text: string | undefined, from: string): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (text.length < MIN_CHOSEN_TOKEN_LENGTH || text.length > 200 || !/^[A-Za-z0-9_~.-]+$/.test(text)) {
    throw new BadRequestError(
      `${from} must be ${MIN_CHOSEN_TOKEN_LENGTH} to 200 letters, digits, '-', '_', '.' or '~' (e.g. the output of: openssl rand -hex 16)`,
    );
  }
  return text;
}

/** The runner's clock: movable by tests (POST /api/test/clock) only with AFTERWORD_ALLOW_FAKE_CLOCK=1. */
export function runnerClock(ctx: CliContext): { clock: Clock; allowFakeClock: boolean } {
  const test = testClockFromEnv(ctx.env);
  if (!test) return { clock: ctx.clock, allowFakeClock: false };
  ctx.out.note(test.warning);
  return { clock: test.clock, allowFakeClock: true };
}

/** The longest lease a standby may write: a primary that dies waits this long (plus a margin) for it. */
export const MAX_LEASE_TTL_MS = 30 * DAY_MS;

/** `--lease-ttl`: a duration as plans write them (`12h`, `90m`, `1d`), one minute to MAX_LEASE_TTL_MS. */
export function parseLeaseTtl(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (error) {
    if (error instanceof DurationError) throw new BadRequestError(`--lease-ttl: ${error.message}`);
    throw error;
  }
  if (ms > MAX_LEASE_TTL_MS) {
    throw new BadRequestError(
      `--lease-ttl: "${text}" is longer than ${formatDuration(MAX_LEASE_TTL_MS)}: a silent primary would go unnoticed that long; 12h is the default`,
    );
  }
  return ms;
}

/** Why `serve` could not listen, in words that say what to do; other errors unchanged. */
export function listenFailure(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new BadRequestError(`${host}:${port} is already in use: choose another port with --port`);
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
    return new BadRequestError(`cannot listen on ${host}:${port} (${code}): choose another --host or --port`);
  return error;
}
