import { MAX_PAUSE_MS } from '../../../shared/durations.js';
import { routeLevel, type Channel } from '../../../shared/plans.js';
import { BadRequestError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { VaultDb } from '../db/open-database.js';
import type { Outbox } from '../delivery/outbox.js';
import { webhookNames } from '../repo/webhooks.js';
import { ClockGuard } from './clock-guard.js';
import { BACKUP_SETTINGS } from '../backup/backup-health.js';
import {
  checkIn,
  emergencyStop,
  nextActionAt,
  pause,
  restartWait,
  resume,
  step,
  type PlanEffect,
  type PlanRuntime,
  type Transition,
} from './plan-machine.js';
import { label, PlanStore } from './plan-store.js';

/** Plans waiting for an event (a receipt, the end of deliveries, a new message) are also rechecked this often. */
export const RECHECK_MS = 15 * 60_000;

export interface SchedulerDeps {
  db: VaultDb;
  clock: Clock;
  audit: AuditLog;
  outbox: Outbox;
  /** Hears every transition once it is stored (the app pushes them to the UI as `plan.stateChanged`). */
  onTransitions?: (reports: readonly TransitionReport[]) => void;
}

export interface TransitionReport {
  planId: string;
  from: string;
  to: string;
  reason: string;
}

export interface TickReport {
  at: number;
  clockJumpMs: number;
  transitions: TransitionReport[];
}

/**
 * Applies the plan machine to the database. Each plan's transition, its state-event row, its
 * audit row and the outbox rows it causes are one transaction. A tick only reads the plans whose
 * `next_action_at` is due (an indexed query), and moves each at most one step.
 */
export class Scheduler {
  private readonly guard = new ClockGuard();
  private readonly plans: PlanStore;

  constructor(private readonly deps: SchedulerDeps) {
    this.plans = new PlanStore(deps.db);
  }

  /**
   * The shell calls this on resume from sleep: the time asleep was real, not a clock jump. Where
   * the monotonic clock counts sleep itself there is nothing to forgive, and the baseline stays.
   */
  rebaseClock(): void {
    if (!this.deps.clock.countsSleep) this.guard.rebase();
  }

  tick(source = 'timer'): TickReport {
    const { clock, db } = this.deps;
    const now = clock.now();
    const jump = this.guard.observe(now, clock.monotonic());
    const transitions: TransitionReport[] = [];
    if (jump > 0) transitions.push(...this.restartWaits(now, jump));

    for (const planId of this.plans.duePlanIds(now)) {
      const report = db.q.transaction(() => this.advance(planId, now));
      if (report) transitions.push(report);
    }
    db.q.run(
      db.kysely
        .insertInto('scheduler_ticks')
        .values({ id: 1, at: now, source, transitions: transitions.length })
        .onConflict((oc) => oc.column('id').doUpdateSet({ at: now, source, transitions: transitions.length })),
    );
    return { at: now, clockJumpMs: jump, transitions: this.announced(transitions) };
  }

  private advance(planId: string, now: number): TransitionReport | null {
    const timing = this.plans.timing(planId);
    const rt = this.plans.runtime(planId);
    const facts = {
      armable: this.plans.armableMessageIds(planId, timing.isDefault, 1).length > 0,
      receiptAt: rt.phase === 'warning' ? this.deps.outbox.receiptFor(planId, rt.cycle, rt.level) : null,
      deliveriesOutstanding: rt.phase === 'triggered' ? this.deps.outbox.outstandingDeliveries(planId, rt.cycle) : 0,
    };
    const transition = step(timing, rt, now, facts);
    if (!transition) {
      this.plans.save(planId, rt, this.nextLook(timing, rt, now), now);
      return null;
    }
    return this.apply(planId, rt, transition, now, timing.isDefault);
  }

  private nextLook(timing: Parameters<typeof nextActionAt>[0], rt: PlanRuntime, now: number): number | null {
    const due = nextActionAt(timing, rt);
    if (due !== null) return due;
    return rt.phase === 'stopped' || rt.phase === 'sent' ? null : now + RECHECK_MS;
  }

  private apply(
    planId: string,
    from: PlanRuntime,
    transition: Transition,
    now: number,
    isDefault: boolean,
  ): TransitionReport {
    const { to, reason, effects } = transition;
    for (const effect of effects) this.applyEffect(planId, to, effect, now, isDefault);
    const timing = this.plans.timing(planId);
    this.plans.save(planId, to, this.nextLook(timing, to, now), now);
    this.plans.recordEvent(planId, now, from, to, reason);
    this.deps.audit.append({
      action: 'plan.transition',
      entityType: 'plan',
      entityId: planId,
      detail: { from: label(from), to: label(to), reason },
    });
    return { planId, from: label(from), to: label(to), reason };
  }

  private applyEffect(planId: string, rt: PlanRuntime, effect: PlanEffect, now: number, isDefault: boolean): void {
    const { outbox, db } = this.deps;
    switch (effect.type) {
      case 'issue-warning':
        outbox.supersedeWarnings(planId, rt.cycle, effect.level);
        this.enqueueWarning(planId, rt, effect.level, effect.channels);
        return;
      case 'enqueue-deliveries':
        outbox.supersedeWarnings(planId, rt.cycle, Number.MAX_SAFE_INTEGER);
        this.enqueueDeliveries(planId, rt, now, isDefault);
        return;
      case 'cancel-pending':
        outbox.cancelPending(planId);
        db.q.run(
          db.kysely
            .updateTable('desktop_prompts')
            .set({ answered_at: now })
            .where('plan_id', '=', planId)
            .where('answered_at', 'is', null),
        );
        return;
      case 'mark-sent':
        db.q.run(
          db.kysely
            .updateTable('messages')
            .set({ status: 'sent', updated_at: now })
            .where('id', 'in', (eb) =>
              eb
                .selectFrom('outbox')
                .select('message_id')
                .where('plan_id', '=', planId)
                .where('cycle', '=', rt.cycle)
                .where('kind', '=', 'delivery')
                .where('message_id', 'is not', null)
                .$narrowType<{ message_id: string }>(),
            ),
        );
        return;
    }
  }

  /** Resolves channels to outbox rows; a level with no usable channel still warns on the desktop. */
  private enqueueWarning(planId: string, rt: PlanRuntime, level: number, channels: readonly Channel[]): void {
    for (const channel of routeLevel(channels, webhookNames(this.deps)).channels) {
      this.deps.outbox.enqueue({
        kind: 'warning',
        channel,
        planId,
        level,
        cycle: rt.cycle,
        idempotencyKey: `warning:${planId}:${rt.cycle}:${level}:${channel}`,
      });
    }
  }

  private enqueueDeliveries(planId: string, rt: PlanRuntime, now: number, isDefault: boolean): void {
    const { db, outbox } = this.deps;
    const messageIds = this.plans.armableMessageIds(planId, isDefault);
    if (messageIds.length === 0) return;
    const rows = db.q.all(
      db.kysely
        .selectFrom('message_recipients as mr')
        .innerJoin('messages as m', 'm.id', 'mr.message_id')
        .innerJoin('recipients as r', 'r.id', 'mr.recipient_id')
        .select(['mr.message_id', 'mr.recipient_id', 'r.type', 'm.delivery_delay_ms'])
        .where('mr.message_id', 'in', messageIds),
    );
    for (const row of rows) {
      outbox.enqueue({
        kind: 'delivery',
        channel: row.type,
        planId,
        messageId: row.message_id,
        recipientId: row.recipient_id,
        cycle: rt.cycle,
        level: rt.level,
        notBefore: now + row.delivery_delay_ms,
        idempotencyKey: `delivery:${planId}:${rt.cycle}:${row.message_id}:${row.recipient_id}`,
      });
    }
  }

  private restartWaits(now: number, jumpMs: number): TransitionReport[] {
    return this.deps.db.q.transaction(() => {
      const postponed = this.deps.outbox.postponeDelayedDeliveries(jumpMs);
      return this.forEachPlan('clock.jump_detected', { jumpMs, postponedDeliveries: postponed }, (rt) =>
        restartWait(rt, now),
      );
    });
  }

  /** "I'm here": every plan before delivery starts over; pending warnings and deliveries are cancelled. */
  checkIn(source: string): TransitionReport[] {
    const now = this.deps.clock.now();
    const reports = this.deps.db.q.transaction(() => {
      const { db } = this.deps;
      db.q.run(db.kysely.insertInto('checkins').values({ id: null, at: now, source }));
      // "I'm here" answers every open prompt, also tests and notices that belong to no plan.
      db.q.run(db.kysely.updateTable('desktop_prompts').set({ answered_at: now }).where('answered_at', 'is', null));
      return this.forEachPlan('checkin', { source }, (rt, armable) => checkIn(rt, now, armable()));
    });
    return this.announced(reports);
  }

  /** Pauses every plan until `until`, which must lie in the next ten years. */
  pauseUntil(until: number): TransitionReport[] {
    const now = this.deps.clock.now();
    if (!Number.isSafeInteger(until) || until <= now) throw new BadRequestError('the pause must end in the future');
    if (until - now > MAX_PAUSE_MS) {
      throw new BadRequestError(
        'a pause can last at most ten years: pick an earlier date, or stop the switch with the recovery key',
      );
    }
    return this.announced(this.forEachPlan('plans.paused', { until }, (rt) => pause(rt, until)));
  }

  /** Resumes paused and stopped plans, and lets go of what a restored copy held back. */
  resume(): TransitionReport[] {
    const now = this.deps.clock.now();
    const reports = this.deps.db.q.transaction(() => {
      const released = this.deps.outbox.releaseHeld();
      // The owner has taken this restored copy as the vault: its automatic backups may go on.
      this.deps.db.q.run(this.deps.db.kysely.deleteFrom('settings').where('key', '=', BACKUP_SETTINGS.restoredCopy));
      return this.forEachPlan('plans.resumed', released > 0 ? { releasedOutbox: released } : {}, (rt, armable) =>
        resume(rt, now, armable()),
      );
    });
    return this.announced(reports);
  }

  emergencyStop(): TransitionReport[] {
    return this.announced(this.forEachPlan('plans.stopped', {}, (rt) => emergencyStop(rt)));
  }

  /** Tells the listener, after the transaction that stored them (a listener's failure is not the scheduler's). */
  private announced(reports: TransitionReport[]): TransitionReport[] {
    if (reports.length > 0) {
      try {
        this.deps.onTransitions?.(reports);
      } catch {
        // Announcing is for the UI; the transitions are stored whatever it does.
      }
    }
    return reports;
  }

  private forEachPlan(
    action: string,
    detail: Record<string, unknown>,
    decide: (rt: PlanRuntime, armable: () => boolean) => Transition | null,
  ): TransitionReport[] {
    const { db, audit } = this.deps;
    const now = this.deps.clock.now();
    return db.q.transaction(() => {
      const reports: TransitionReport[] = [];
      for (const planId of this.plans.allPlanIds()) {
        const timing = this.plans.timing(planId);
        const rt = this.plans.runtime(planId);
        const transition = decide(rt, () => this.plans.armableMessageIds(planId, timing.isDefault, 1).length > 0);
        if (transition) reports.push(this.apply(planId, rt, transition, now, timing.isDefault));
      }
      audit.append({ action, detail: { ...detail, plans: reports.length } });
      return reports;
    });
  }
}
