import { DAY_MS, DurationError, parseDuration } from './durations.js';

export const LEVEL_COUNT = 5;

/**
 * Where a warning goes: `desktop` (tray + notification, or an in-app prompt), `email` (to the
 * owner), `webhook` (every configured webhook) or `webhook:NAME` (one of them).
 */
export type Channel = 'desktop' | 'email' | 'webhook' | `webhook:${string}`;

export interface PlanLevel {
  waitMs: number;
  channels: Channel[];
}

export interface PlanSpec {
  name: string;
  intervalMs: number;
  levels: PlanLevel[];
}

const WEBHOOK_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export function isChannel(value: string): value is Channel {
  if (value === 'desktop' || value === 'email' || value === 'webhook') return true;
  return value.startsWith('webhook:') && WEBHOOK_NAME.test(value.slice('webhook:'.length));
}

/** Where a level's warning goes, given the webhooks that are set up. */
export interface LevelRoutes {
  /** The outbox channels: `webhook` spread to each webhook; the desktop when nothing else is left. */
  channels: string[];
  /** Webhook channels that lead nowhere: `webhook:NAME` not set up, `webhook` with none at all. */
  unreachable: Channel[];
  /** Nothing else was left, so the level warns on the desktop alone. */
  desktopFallback: boolean;
}

export function routeLevel(channels: readonly Channel[], webhookNames: readonly string[]): LevelRoutes {
  const routes = new Set<string>();
  const unreachable: Channel[] = [];
  for (const channel of channels) {
    if (channel === 'webhook') {
      if (webhookNames.length === 0) unreachable.push(channel);
      for (const name of webhookNames) routes.add(`webhook:${name}`);
    } else if (channel.startsWith('webhook:')) {
      if (webhookNames.includes(channel.slice('webhook:'.length))) routes.add(channel);
      else unreachable.push(channel);
    } else routes.add(channel);
  }
  const desktopFallback = routes.size === 0;
  if (desktopFallback) routes.add('desktop');
  return { channels: [...routes], unreachable, desktopFallback };
}

export class PlanSpecError extends Error {}

/** Parses one `--level WAIT:CHANNEL[+CHANNEL]` argument, e.g. `3d:desktop+email`. */
export function parseLevel(text: string): PlanLevel {
  const colon = text.indexOf(':');
  if (colon < 0) throw new PlanSpecError(`level "${text}" needs WAIT:CHANNELS, e.g. 3d:desktop+email`);
  let waitMs: number;
  try {
    waitMs = parseDuration(text.slice(0, colon));
  } catch (error) {
    throw new PlanSpecError(`level "${text}": ${(error as DurationError).message}`);
  }
  const channels = text
    .slice(colon + 1)
    .split('+')
    .map((c) => c.trim().toLowerCase());
  for (const channel of channels) {
    if (!isChannel(channel)) {
      throw new PlanSpecError(
        `level "${text}": unknown channel "${channel}" (use desktop, email, webhook or webhook:NAME)`,
      );
    }
  }
  return { waitMs, channels: [...new Set(channels)] as Channel[] };
}

/** A plan has exactly five levels (the contract only accepts five: front doors check the count first). */
export function assertLevelCount(count: number): void {
  if (count !== LEVEL_COUNT)
    throw new PlanSpecError(`a plan has exactly ${LEVEL_COUNT} levels; ${count} given (repeat --level five times)`);
}

export function validatePlanSpec(spec: PlanSpec): PlanSpec {
  const name = spec.name.trim();
  if (!name || name.length > 100) throw new PlanSpecError('a plan needs a name of 1–100 characters');
  if (spec.intervalMs < 60_000) throw new PlanSpecError('the check-in interval must be at least 1m');
  assertLevelCount(spec.levels.length);
  spec.levels.forEach((level, i) => {
    if (level.waitMs < 60_000) throw new PlanSpecError(`level ${i + 1}: the wait must be at least 1m`);
    if (level.channels.length === 0) throw new PlanSpecError(`level ${i + 1}: name at least one channel`);
  });
  return { ...spec, name };
}

/** Plans whose waits are under a day are for trying Afterword out, and are flagged as such. */
export function isTestPlan(spec: Pick<PlanSpec, 'levels'>): boolean {
  return spec.levels.some((l) => l.waitMs < DAY_MS);
}

/** Every 30 days; L1 desktop 3 d; L2 desktop+email 3 d; L3 email+webhook 3 d; L4 2 d; L5 (final) 2 d. */
export function defaultPlanSpec(): PlanSpec {
  return {
    name: 'Default',
    intervalMs: 30 * DAY_MS,
    levels: [
      { waitMs: 3 * DAY_MS, channels: ['desktop'] },
      { waitMs: 3 * DAY_MS, channels: ['desktop', 'email'] },
      { waitMs: 3 * DAY_MS, channels: ['email', 'webhook'] },
      { waitMs: 2 * DAY_MS, channels: ['email', 'webhook'] },
      { waitMs: 2 * DAY_MS, channels: ['email', 'webhook'] },
    ],
  };
}
