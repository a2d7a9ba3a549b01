import type { Selectable } from 'kysely';
import type { PlanLevel } from '../../../shared/plans.js';
import type { VaultDb } from '../db/open-database.js';
import type { PlanStateTable } from '../db/schema.js';
import type { PlanRuntime, PlanTiming } from './plan-machine.js';

type Reads = ReturnType<typeof prepareReads>;

/**
 * The reads made for every plan (status lists a hundred plans; the scheduler asks each due one),
 * built and compiled once per database instead of once per call.
 */
function prepareReads(db: VaultDb) {
  const k = db.kysely;
  const armable = (isDefault: boolean) => (p: { planId: string }) =>
    k
      .selectFrom('messages as m')
      .select('m.id')
      .where('m.status', '=', 'active')
      .where((eb) =>
        isDefault
          ? eb.or([eb('m.plan_id', '=', p.planId), eb('m.plan_id', 'is', null)])
          : eb('m.plan_id', '=', p.planId),
      )
      .where((eb) =>
        eb.exists(
          eb.selectFrom('message_recipients as mr').select('mr.message_id').whereRef('mr.message_id', '=', 'm.id'),
        ),
      );
  const armableFirst = (isDefault: boolean) => (p: { planId: string; limit: number }) =>
    armable(isDefault)(p).limit(p.limit);
  return {
    runtime: db.q.prepared((p: { planId: string }) =>
      k.selectFrom('plan_state').selectAll().where('plan_id', '=', p.planId),
    ),
    armable: { default: db.q.prepared(armable(true)), plan: db.q.prepared(armable(false)) },
    armableFirst: { default: db.q.prepared(armableFirst(true)), plan: db.q.prepared(armableFirst(false)) },
  };
}

const reads = new WeakMap<VaultDb, Reads>();

function readsOf(db: VaultDb): Reads {
  let built = reads.get(db);
  if (!built) {
    built = prepareReads(db);
    reads.set(db, built);
  }
  return built;
}

/** Reads and writes plan runtimes and the facts the machine needs; no decryption involved. */
export class PlanStore {
  constructor(private readonly db: VaultDb) {}

  private get k() {
    return this.db.kysely;
  }

  duePlanIds(now: number): string[] {
    return this.db.q
      .all(
        this.k.selectFrom('plan_state').select('plan_id').where('next_action_at', '<=', now).orderBy('next_action_at'),
      )
      .map((r) => r.plan_id);
  }

  allPlanIds(): string[] {
    return this.db.q.all(this.k.selectFrom('plan_state').select('plan_id')).map((r) => r.plan_id);
  }

  timing(planId: string): PlanTiming & { isDefault: boolean } {
    const row = this.db.q.get(
      this.k.selectFrom('warning_plans').select(['interval_ms', 'levels', 'is_default']).where('id', '=', planId),
    );
    if (!row) throw new Error(`plan ${planId} vanished`);
    return {
      intervalMs: row.interval_ms,
      levels: JSON.parse(row.levels) as PlanLevel[],
      isDefault: row.is_default === 1,
    };
  }

  runtime(planId: string): PlanRuntime {
    const row = readsOf(this.db).runtime.get({ planId });
    if (!row) throw new Error(`plan ${planId} has no state`);
    return toRuntime(row);
  }

  save(planId: string, rt: PlanRuntime, nextActionAt: number | null, now: number): void {
    this.db.q.run(
      this.k
        .updateTable('plan_state')
        .set({
          state: rt.phase,
          level: rt.level,
          cycle: rt.cycle,
          armed_at: rt.armedAt,
          last_checkin_at: rt.lastCheckinAt,
          wait_from: rt.waitFrom,
          level_issued_at: rt.phase === 'waiting' ? rt.waitFrom : null,
          paused_until: rt.pausedUntil,
          next_action_at: nextActionAt,
          updated_at: now,
        })
        .where('plan_id', '=', planId),
    );
  }

  /** Ask the scheduler to look at these plans (all when omitted) on its next tick. */
  poke(now: number, planIds?: readonly string[]): void {
    let query = this.k.updateTable('plan_state').set({ next_action_at: now });
    if (planIds) {
      if (planIds.length === 0) return;
      query = query.where('plan_id', 'in', planIds);
    }
    this.db.q.run(query);
  }

  /** Active messages with at least one recipient that this plan would deliver. */
  armableMessageIds(planId: string, isDefault: boolean, limit?: number): string[] {
    const reads = readsOf(this.db);
    const rows =
      limit === undefined
        ? reads.armable[isDefault ? 'default' : 'plan'].all({ planId })
        : reads.armableFirst[isDefault ? 'default' : 'plan'].all({ planId, limit });
    return rows.map((r) => r.id);
  }

  /** The shortest delivery delay among the messages this plan would deliver (0 when none). */
  minDeliveryDelayMs(planId: string, isDefault: boolean): number {
    const ids = this.armableMessageIds(planId, isDefault);
    if (ids.length === 0) return 0;
    const row = this.db.q.get(
      this.k
        .selectFrom('messages')
        .select((eb) => eb.fn.min('delivery_delay_ms').as('ms'))
        .where('id', 'in', ids),
    );
    return row?.ms ?? 0;
  }

  recordEvent(planId: string, at: number, from: PlanRuntime, to: PlanRuntime, reason: string): void {
    this.db.q.run(
      this.k.insertInto('plan_events').values({
        id: null,
        plan_id: planId,
        at,
        from_state: label(from),
        to_state: label(to),
        level: to.level,
        reason,
      }),
    );
  }
}

/** `warning(2)`, `waiting(3)`, or the bare phase. */
export function label(rt: Pick<PlanRuntime, 'phase' | 'level'>): string {
  return rt.phase === 'warning' || rt.phase === 'waiting' ? `${rt.phase}(${rt.level})` : rt.phase;
}

function toRuntime(row: Selectable<PlanStateTable>): PlanRuntime {
  return {
    phase: row.state,
    level: row.level,
    cycle: row.cycle,
    armedAt: row.armed_at,
    lastCheckinAt: row.last_checkin_at,
    waitFrom: row.wait_from,
    pausedUntil: row.paused_until,
  };
}
