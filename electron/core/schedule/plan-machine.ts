import type { PlanPhase, TimelineEvent } from '../../../shared/plan-events.js';
import { LEVEL_COUNT, type Channel, type PlanLevel } from '../../../shared/plans.js';

/**
 * The escalation logic as a pure function: (plan, runtime, now, facts) → transition. No I/O, no
 * clock reads; the scheduler feeds it facts read from the database and applies its effects in
 * one transaction. Rules:
 * - `created` has nothing to send and sends no warnings; it becomes `scheduled` when an active
 *   message with a recipient uses the plan, and the interval starts then.
 * - `scheduled` → `warning(1)` when the interval since the last check-in (or arming) ran out.
 * - `warning(n)` → `waiting(n)` only once the level's warning was actually issued (its receipt);
 *   each wait is timed from that receipt, so downtime delays delivery and never skips a level.
 * - `waiting(n)` → `warning(n+1)`, and after level 5 → `triggered` (deliveries go to the outbox).
 * - `triggered` → `sent` when no delivery is outstanding.
 * - At most one transition per call (per plan per tick).
 */

export type { PlanPhase };

export interface PlanRuntime {
  phase: PlanPhase;
  /** 0 while created/scheduled; the current level in warning/waiting; 5 once triggered. */
  level: number;
  /** Bumped whenever the plan starts over (armed, checked in, pause ended): keys a cycle's outbox rows. */
  cycle: number;
  armedAt: number | null;
  lastCheckinAt: number | null;
  /**
   * Start of the running wait: the interval (scheduled) or the level's wait (waiting). In
   * `warning`, null, or the earliest the level's wait may start (a wall-clock jump was seen
   * while the warning was out: a receipt stamped before the jump must not count the jump).
   */
  waitFrom: number | null;
  pausedUntil: number | null;
}

export interface PlanTiming {
  intervalMs: number;
  levels: readonly PlanLevel[];
}

export interface PlanFacts {
  /** An active message with at least one recipient uses this plan. */
  armable: boolean;
  /** When the current level's warning was issued, once the outbox knows. */
  receiptAt: number | null;
  /** Deliveries of this plan not yet sent or permanently failed. */
  deliveriesOutstanding: number;
}

export type PlanEffect =
  | { type: 'issue-warning'; level: number; channels: Channel[] }
  | { type: 'enqueue-deliveries' }
  | { type: 'cancel-pending' }
  | { type: 'mark-sent' };

export interface Transition {
  to: PlanRuntime;
  reason: string;
  effects: PlanEffect[];
}

export const INITIAL_RUNTIME: PlanRuntime = {
  phase: 'created',
  level: 0,
  cycle: 0,
  armedAt: null,
  lastCheckinAt: null,
  waitFrom: null,
  pausedUntil: null,
};

function levelOf(plan: PlanTiming, level: number): PlanLevel {
  const found = plan.levels[level - 1];
  if (!found) throw new Error(`plan has no level ${level}`);
  return found;
}

function startOver(rt: PlanRuntime, now: number, armable: boolean): PlanRuntime {
  return {
    ...rt,
    phase: armable ? 'scheduled' : 'created',
    level: 0,
    cycle: rt.cycle + 1,
    armedAt: armable ? (rt.armedAt ?? now) : null,
    waitFrom: armable ? now : null,
    pausedUntil: null,
  };
}

function disarm(rt: PlanRuntime): Transition {
  return {
    to: { ...rt, phase: 'created', level: 0, armedAt: null, waitFrom: null },
    reason: 'nothing to send',
    effects: rt.phase === 'warning' || rt.phase === 'waiting' ? [{ type: 'cancel-pending' }] : [],
  };
}

function issue(rt: PlanRuntime, plan: PlanTiming, level: number, reason: string): Transition {
  return {
    to: { ...rt, phase: 'warning', level, waitFrom: null },
    reason,
    effects: [{ type: 'issue-warning', level, channels: levelOf(plan, level).channels }],
  };
}

export function step(plan: PlanTiming, rt: PlanRuntime, now: number, facts: PlanFacts): Transition | null {
  switch (rt.phase) {
    case 'stopped':
    case 'sent':
      if (rt.phase === 'sent' && facts.armable) {
        return {
          to: { ...startOver(rt, now, true), armedAt: now },
          reason: 'armed again by a new message',
          effects: [],
        };
      }
      return null;
    case 'paused':
      if (rt.pausedUntil !== null && now >= rt.pausedUntil) {
        return { to: startOver(rt, now, facts.armable), reason: 'pause ended', effects: [] };
      }
      return null;
    case 'created':
      if (!facts.armable) return null;
      return { to: { ...startOver(rt, now, true), armedAt: now }, reason: 'armed', effects: [] };
    case 'scheduled':
      if (!facts.armable) return disarm(rt);
      if (rt.waitFrom !== null && now >= rt.waitFrom + plan.intervalMs) {
        return issue(rt, plan, 1, 'check-in interval elapsed');
      }
      return null;
    case 'warning':
      if (!facts.armable) return disarm(rt);
      if (facts.receiptAt !== null) {
        return {
          to: { ...rt, phase: 'waiting', waitFrom: Math.max(facts.receiptAt, rt.waitFrom ?? facts.receiptAt) },
          reason: `warning ${rt.level} issued`,
          effects: [],
        };
      }
      return null;
    case 'waiting': {
      if (!facts.armable) return disarm(rt);
      if (rt.waitFrom === null || now < rt.waitFrom + levelOf(plan, rt.level).waitMs) return null;
      if (rt.level < LEVEL_COUNT) return issue(rt, plan, rt.level + 1, `no answer to warning ${rt.level}`);
      return {
        to: { ...rt, phase: 'triggered', waitFrom: null },
        reason: `no answer to the final warning`,
        effects: [{ type: 'enqueue-deliveries' }],
      };
    }
    case 'triggered':
      if (facts.deliveriesOutstanding === 0) {
        return { to: { ...rt, phase: 'sent' }, reason: 'every delivery finished', effects: [{ type: 'mark-sent' }] };
      }
      return null;
  }
}

/**
 * "I'm here". From any state before delivery finished, the plan starts over and anything still
 * pending (warnings, and deliveries not yet sent) is cancelled. A stopped plan stays stopped.
 */
export function checkIn(rt: PlanRuntime, now: number, armable: boolean): Transition | null {
  if (rt.phase === 'stopped' || rt.phase === 'sent') return null;
  const to = { ...startOver(rt, now, armable), lastCheckinAt: now };
  return { to, reason: 'checked in', effects: [{ type: 'cancel-pending' }] };
}

export function pause(rt: PlanRuntime, until: number): Transition | null {
  if (rt.phase === 'stopped' || rt.phase === 'sent' || rt.phase === 'triggered') return null;
  return {
    to: { ...rt, phase: 'paused', level: 0, waitFrom: null, pausedUntil: until },
    reason: 'paused',
    effects: [{ type: 'cancel-pending' }],
  };
}

export function resume(rt: PlanRuntime, now: number, armable: boolean): Transition | null {
  if (rt.phase !== 'paused' && rt.phase !== 'stopped') return null;
  return {
    to: { ...startOver(rt, now, armable), lastCheckinAt: now },
    reason: `resumed from ${rt.phase}`,
    effects: [],
  };
}

export function emergencyStop(rt: PlanRuntime): Transition | null {
  if (rt.phase === 'stopped' || rt.phase === 'sent') return null;
  return {
    to: { ...rt, phase: 'stopped', level: 0, waitFrom: null, pausedUntil: null },
    reason: 'emergency stop',
    effects: [{ type: 'cancel-pending' }],
  };
}

/**
 * The wall clock jumped forward further than the monotonic clock moved: the running wait starts
 * again from now instead of counting the jump. A level whose warning is still out (`warning`)
 * may already have a receipt stamped before the jump: its wait will start from now at the
 * earliest, so the jump is not counted there either.
 */
export function restartWait(rt: PlanRuntime, now: number): Transition | null {
  if (rt.phase !== 'scheduled' && rt.phase !== 'waiting' && rt.phase !== 'warning') return null;
  return { to: { ...rt, waitFrom: now }, reason: 'wall clock jumped; wait restarted', effects: [] };
}

/** When the scheduler must look at this plan again without being told (null: only on an event). */
export function nextActionAt(plan: PlanTiming, rt: PlanRuntime): number | null {
  switch (rt.phase) {
    case 'scheduled':
      return rt.waitFrom === null ? null : rt.waitFrom + plan.intervalMs;
    case 'waiting':
      return rt.waitFrom === null ? null : rt.waitFrom + levelOf(plan, rt.level).waitMs;
    case 'warning':
      // Set only after a clock jump (restartWait): the receipt may be in already, look at once.
      return rt.waitFrom;
    case 'paused':
      return rt.pausedUntil;
    default:
      return null;
  }
}

export interface TimelinePoint {
  at: number;
  event: TimelineEvent;
  level: number;
}

/**
 * The timeline if nobody checks in from `now`, assuming each warning is issued the moment it is
 * due; the delivery comes after the final wait plus the shortest delivery delay.
 */
export function simulate(
  plan: PlanTiming,
  rt: PlanRuntime,
  now: number,
  /** The shortest delivery delay among the plan's messages: when the first one would go out. */
  deliveryDelayMs = 0,
): TimelinePoint[] {
  const out: TimelinePoint[] = [];
  let t: number;
  let level: number;
  if (rt.phase === 'waiting' && rt.waitFrom !== null) {
    t = Math.max(now, rt.waitFrom + levelOf(plan, rt.level).waitMs);
    level = rt.level + 1;
  } else if (rt.phase === 'warning') {
    t = now;
    level = rt.level;
  } else {
    // A paused plan starts its interval again when the pause ends, not now.
    const from =
      rt.phase === 'scheduled' && rt.waitFrom !== null
        ? rt.waitFrom
        : rt.phase === 'paused' && rt.pausedUntil !== null
          ? Math.max(now, rt.pausedUntil)
          : now;
    t = Math.max(now, from + plan.intervalMs);
    level = 1;
  }
  for (; level <= LEVEL_COUNT; level++) {
    out.push({ at: t, event: 'warning', level });
    t += levelOf(plan, level).waitMs;
  }
  out.push({ at: t + deliveryDelayMs, event: 'delivery', level: LEVEL_COUNT });
  return out;
}
