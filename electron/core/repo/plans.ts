import type { Selectable } from 'kysely';
import { validatePlanSpec, isTestPlan, PlanSpecError, type PlanLevel, type PlanSpec } from '../../../shared/plans.js';
import type { VaultDb } from '../db/open-database.js';
import type { WarningPlansTable } from '../db/schema.js';
import { BadRequestError, ConflictError, NotFoundError, PlanWebhookMissingError } from '../errors.js';
import { newId } from '../ids.js';
import { FieldCipher } from './field-cipher.js';
import type { RepoContext } from './repo-context.js';
import { webhookNames } from './webhooks.js';

export interface Plan extends PlanSpec {
  id: string;
  isDefault: boolean;
  isTestPlan: boolean;
  createdAt: number;
  updatedAt: number;
}

function checked(spec: PlanSpec): PlanSpec {
  try {
    return validatePlanSpec(spec);
  } catch (error) {
    if (error instanceof PlanSpecError) throw new BadRequestError(error.message);
    throw error;
  }
}

/**
 * A level may name only a webhook that is set up (`webhook:NAME`). Names the plan already had are
 * let through, so a plan whose webhook was removed later can still be edited (status reports it).
 */
function requireWebhooks(
  ctx: Pick<RepoContext, 'db'>,
  levels: readonly PlanLevel[],
  alreadyThere: readonly PlanLevel[] = [],
): void {
  const known = new Set(webhookNames(ctx));
  const kept = new Set(alreadyThere.flatMap((level) => level.channels));
  levels.forEach((level, index) => {
    for (const channel of level.channels) {
      if (!channel.startsWith('webhook:') || kept.has(channel)) continue;
      const name = channel.slice('webhook:'.length);
      if (!known.has(name)) throw new PlanWebhookMissingError(name, index + 1);
    }
  });
}

/** Every plan's row, the default plan first; its name still sealed. */
export function planRows(db: VaultDb): Selectable<WarningPlansTable>[] {
  return db.q.all(
    db.kysely.selectFrom('warning_plans').selectAll().orderBy('is_default', 'desc').orderBy('created_at'),
  );
}

/** Warning plans. The name is encrypted; the timing is metadata the scheduler reads. */
export class PlansRepo {
  private readonly cipher: FieldCipher<'name'>;

  constructor(private readonly ctx: RepoContext) {
    this.cipher = new FieldCipher(ctx.key, 'warning_plans');
  }

  create(spec: PlanSpec, options: { isDefault?: boolean } = {}): Plan {
    const valid = checked(spec);
    requireWebhooks(this.ctx, valid.levels);
    const { db, clock, audit } = this.ctx;
    const id = newId('pln');
    const now = clock.now();
    db.q.transaction(() => {
      db.q.run(
        db.kysely.insertInto('warning_plans').values({
          id,
          name: this.cipher.seal('name', id, valid.name),
          interval_ms: valid.intervalMs,
          levels: JSON.stringify(valid.levels),
          is_default: options.isDefault ? 1 : 0,
          created_at: now,
          updated_at: now,
        }),
      );
      db.q.run(
        db.kysely.insertInto('plan_state').values({
          plan_id: id,
          state: 'created',
          level: 0,
          cycle: 0,
          armed_at: null,
          last_checkin_at: null,
          level_issued_at: null,
          wait_from: null,
          next_action_at: now,
          paused_until: null,
          updated_at: now,
        }),
      );
      audit.append({
        action: 'plan.created',
        entityType: 'plan',
        entityId: id,
        detail: { default: Boolean(options.isDefault) },
      });
    });
    return this.get(id);
  }

  list(): Plan[] {
    return planRows(this.ctx.db).map((row) => this.decode(row));
  }

  get(id: string): Plan {
    const { db } = this.ctx;
    const row = db.q.get(db.kysely.selectFrom('warning_plans').selectAll().where('id', '=', id));
    if (!row) throw new NotFoundError('plan', id);
    return this.decode(row);
  }

  defaultPlanId(): string | null {
    const { db } = this.ctx;
    return db.q.get(db.kysely.selectFrom('warning_plans').select('id').where('is_default', '=', 1))?.id ?? null;
  }

  /** Timing changes apply from the next wait; a wait already running keeps its start. */
  update(id: string, changes: Partial<PlanSpec> & { isDefault?: boolean }): Plan {
    const current = this.get(id);
    const next = checked({
      name: changes.name ?? current.name,
      intervalMs: changes.intervalMs ?? current.intervalMs,
      levels: changes.levels ?? current.levels,
    });
    requireWebhooks(this.ctx, next.levels, current.levels);
    const { db, clock, audit } = this.ctx;
    const now = clock.now();
    db.q.transaction(() => {
      if (changes.isDefault) {
        db.q.run(db.kysely.updateTable('warning_plans').set({ is_default: 0 }).where('is_default', '=', 1));
      }
      db.q.run(
        db.kysely
          .updateTable('warning_plans')
          .set({
            name: this.cipher.seal('name', id, next.name),
            interval_ms: next.intervalMs,
            levels: JSON.stringify(next.levels),
            ...(changes.isDefault ? { is_default: 1 } : {}),
            updated_at: now,
          })
          .where('id', '=', id),
      );
      // Let the scheduler look at it again on its next tick.
      db.q.run(db.kysely.updateTable('plan_state').set({ next_action_at: now }).where('plan_id', '=', id));
      audit.append({
        action: 'plan.updated',
        entityType: 'plan',
        entityId: id,
        detail: { fields: Object.keys(changes) },
      });
    });
    return this.get(id);
  }

  /** Refused while messages use the plan, and for the default plan (messages without a plan use it). */
  remove(id: string): void {
    const plan = this.get(id);
    if (plan.isDefault)
      throw new ConflictError('the default plan cannot be removed: make another plan the default first');
    const { db, audit } = this.ctx;
    db.q.transaction(() => {
      const uses = db.q.get(
        db.kysely
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('plan_id', '=', id),
      );
      if (uses && uses.n > 0) {
        throw new ConflictError(`plan ${id} is used by ${uses.n} message(s): move them to another plan first`);
      }
      db.q.run(db.kysely.deleteFrom('warning_plans').where('id', '=', id));
      audit.append({ action: 'plan.removed', entityType: 'plan', entityId: id });
    });
  }

  private decode(row: Selectable<WarningPlansTable>): Plan {
    const levels = JSON.parse(row.levels) as PlanLevel[];
    return {
      id: row.id,
      name: this.cipher.open('name', row.id, row.name),
      intervalMs: row.interval_ms,
      levels,
      isDefault: row.is_default === 1,
      isTestPlan: isTestPlan({ levels }),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
