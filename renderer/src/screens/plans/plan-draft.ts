import type { MethodInput, MethodOutput } from '../../../../shared/contract/methods.js';

export type Plan = MethodOutput<'plans.list'>[number];
export interface LevelDraft {
  waitMs: number;
  channels: string[];
}
export interface PlanDraft {
  name: string;
  intervalMs: number;
  levels: LevelDraft[];
  isDefault: boolean;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const LEVEL_COUNT = 5;

/** A new plan: ask every week, then five warnings a day apart, on the desktop and by e-mail. */
export function newDraft(isFirst: boolean): PlanDraft {
  return {
    name: '',
    intervalMs: 7 * DAY_MS,
    levels: Array.from({ length: LEVEL_COUNT }, () => ({ waitMs: DAY_MS, channels: ['desktop', 'email'] })),
    isDefault: isFirst,
  };
}

export function draftOf(plan: Plan): PlanDraft {
  return {
    name: plan.name,
    intervalMs: plan.intervalMs,
    levels: plan.levels.map((l) => ({ waitMs: l.waitMs, channels: [...l.channels] })),
    isDefault: plan.isDefault,
  };
}

export type DraftProblem = 'name' | 'interval' | 'wait' | 'channels';

/** What stops the draft from being saved (or simulated), first problem per field. */
export function draftProblems(draft: PlanDraft): Set<DraftProblem> {
  const problems = new Set<DraftProblem>();
  if (draft.name.trim() === '') problems.add('name');
  if (!Number.isFinite(draft.intervalMs) || draft.intervalMs < MINUTE_MS) problems.add('interval');
  for (const level of draft.levels) {
    if (!Number.isFinite(level.waitMs) || level.waitMs < MINUTE_MS) problems.add('wait');
    if (level.channels.length === 0) problems.add('channels');
  }
  return problems;
}

/** The timing part is complete enough to ask the server for a timeline. */
export function canSimulate(draft: PlanDraft): boolean {
  const problems = draftProblems(draft);
  problems.delete('name');
  return problems.size === 0;
}

export function sameTiming(a: PlanDraft, b: PlanDraft): boolean {
  return a.intervalMs === b.intervalMs && JSON.stringify(a.levels) === JSON.stringify(b.levels);
}

export function levelsInput(levels: readonly LevelDraft[]): MethodInput<'plans.create'>['levels'] {
  return levels.map((l) => ({ waitMs: Math.round(l.waitMs), channels: l.channels }));
}

/** The channels a level may use: desktop, e-mail, every webhook, or one named webhook. */
export function channelOptions(webhookNames: readonly string[]): string[] {
  return ['desktop', 'email', 'webhook', ...webhookNames.map((name) => `webhook:${name}`)];
}
