import type { AppCore } from '../../core/api/app-core.js';
import type { VaultDb } from '../../core/db/open-database.js';
import type { Clock } from '../../core/ports/clock.js';

export type VaultState = 'missing' | 'locked' | 'unlocked' | 'error';

/** What /healthz and /metrics report: counts and times only, read without the vault key. */
export interface VaultFacts {
  vault: VaultState;
  uiUnlocked: boolean;
  lastTickAgeMs: number | null;
  plans: { planId: string; state: string; level: number }[];
  outbox: Record<string, number>;
  attempts: Record<string, number>;
  unlockFailures: number;
  unlockRetryAfterMs: number;
}

const EMPTY: Omit<VaultFacts, 'vault'> = {
  uiUnlocked: false,
  lastTickAgeMs: null,
  plans: [],
  outbox: {},
  attempts: {},
  unlockFailures: 0,
  unlockRetryAfterMs: 0,
};

function keyAvailable(app: AppCore): boolean {
  try {
    app.engineOrThrow();
    return true;
  } catch {
    return false;
  }
}

function counts(
  db: VaultDb,
  table: 'outbox' | 'delivery_attempts',
  column: 'status' | 'outcome',
): Record<string, number> {
  const rows = db.sqlite.prepare(`SELECT ${column} AS k, COUNT(*) AS n FROM ${table} GROUP BY ${column}`).all() as {
    k: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

export async function readVaultFacts(app: AppCore, clock: Clock): Promise<VaultFacts> {
  if (!app.exists()) return { vault: 'missing', ...EMPTY };
  let db: VaultDb;
  let guard;
  try {
    const vault = await app.open();
    db = vault.db;
    guard = vault.guard.state();
  } catch {
    return { vault: 'error', ...EMPTY };
  }
  const tick = db.q.get(db.kysely.selectFrom('scheduler_ticks').select('at').where('id', '=', 1));
  const plans = db.q.all(db.kysely.selectFrom('plan_state').select(['plan_id', 'state', 'level']).orderBy('plan_id'));
  return {
    vault: keyAvailable(app) ? 'unlocked' : 'locked',
    uiUnlocked: app.isUiUnlocked,
    lastTickAgeMs: tick ? Math.max(0, clock.now() - tick.at) : null,
    plans: plans.map((p) => ({ planId: p.plan_id, state: p.state, level: p.level })),
    outbox: counts(db, 'outbox', 'status'),
    attempts: counts(db, 'delivery_attempts', 'outcome'),
    unlockFailures: guard.failures,
    unlockRetryAfterMs: guard.retryAfterMs,
  };
}
