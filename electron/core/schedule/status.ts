import type { NextEvent, PlanPhase } from '../../../shared/plan-events.js';
import { LEVEL_COUNT, routeLevel } from '../../../shared/plans.js';
import type { PromptKind } from '../../../shared/prompt-kinds.js';
import type { StatusProblem } from '../../../shared/status-problems.js';
import { Outbox, type OutboxCounts } from '../delivery/outbox.js';
import type { Clock } from '../ports/clock.js';
import type { VaultDb } from '../db/open-database.js';
import { planRows } from '../repo/plans.js';
import { ownerSchema, readOwner, SETTINGS, smtpSettingsSchema } from '../delivery/owner-settings.js';
import { webhookNames, webhooksKeptOnPrivateNetwork } from '../repo/webhooks.js';
import { recipientsKeptOnPrivateNetwork } from '../repo/recipients.js';
import type { VaultServices } from '../services.js';
import { BACKUP_SETTINGS, readBackupFailure, readBackupHealth, type BackupHealth } from '../backup/backup-health.js';
import { problemFrom } from '../backup/backup-schedule.js';
import { historyBreaks } from './history-break-notices.js';
import { openAttachmentProblems } from './integrity-pass.js';
import { nextActionAt, simulate, type TimelinePoint } from './plan-machine.js';
import { label, PlanStore } from './plan-store.js';
import { readSetup } from '../setup-state.js';
import { readStandbyTookOver } from '../standby/standby-took-over.js';
import type { StatusRunner } from '../standby/runner-facts-file.js';
import { statusProblem } from './status-problems.js';
import { readTestSends, type TestSendCounts } from './test-sends.js';

export interface PlanStatus {
  id: string;
  name: string;
  /** `warning(2)`, `waiting(1)`, `scheduled`: the phase and level as transitions record them. */
  state: string;
  phase: PlanPhase;
  level: number;
  isTestPlan: boolean;
  activeMessages: number;
  /** What happens next if nobody checks in, and when. */
  nextEvent: NextEvent | null;
  nextEventAt: number | null;
  /** When messages would go out if nobody checks in from now. */
  deliveryAt: number | null;
}

export interface StatusReport {
  now: number;
  plans: PlanStatus[];
  /** Warnings, deliveries and notices; tests are counted apart. */
  outbox: OutboxCounts & { held: number };
  tests: TestSendCounts;
  failures: { id: string; kind: string; channel: string; error: string | null; at: number }[];
  lastTick: { at: number; source: string } | null;
  lastCheckinAt: number | null;
  openPrompts: { planId: string | null; level: number; at: number; kind: PromptKind }[];
  owner: { emailSet: boolean };
  smtpConfigured: boolean;
  unattended: { enabled: boolean; backend: string | null };
  backup: BackupHealth;
  /** Who sends for the vault: added by status.get (AppCore.runnerFacts), which knows the process. */
  runner?: StatusRunner;
  /** Configuration that would make a warning or a delivery fail: a code, its params, and what to do. */
  problems: StatusProblem[];
}

function nextEventOf(rt: { phase: PlanPhase; level: number }, next: TimelinePoint | null): NextEvent | null {
  if (rt.phase === 'paused') return { kind: 'pauseEnds' };
  if (rt.phase === 'warning') return { kind: 'warning', level: rt.level, sending: true };
  if (!next) return null;
  return next.event === 'warning' ? { kind: 'warning', level: next.level, sending: false } : { kind: 'delivery' };
}

const STALE_TICK_MS = 2 * 24 * 60 * 60 * 1000;

/** What a status reads that is stored in clear: it needs no key. */
function readClearRows(db: VaultDb, outbox: Pick<Outbox, 'counts' | 'heldCount' | 'failures'>) {
  return {
    tick: db.q.get(db.kysely.selectFrom('scheduler_ticks').select(['at', 'source']).where('id', '=', 1)),
    lastCheckin: db.q.get(db.kysely.selectFrom('checkins').select((eb) => eb.fn.max('at').as('at'))),
    prompts: db.q.all(
      db.kysely
        .selectFrom('desktop_prompts')
        .select(['plan_id', 'level', 'at', 'kind'])
        .where('answered_at', 'is', null)
        .orderBy('at', 'desc')
        .limit(10),
    ),
    hooks: webhookNames({ db }),
    emailRecipients:
      db.q.get(
        db.kysely
          .selectFrom('message_recipients as mr')
          .innerJoin('recipients as r', 'r.id', 'mr.recipient_id')
          .innerJoin('messages as m', 'm.id', 'mr.message_id')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('r.type', '=', 'email')
          .where('m.status', '=', 'active'),
      )?.n ?? 0,
    webhooksKept: webhooksKeptOnPrivateNetwork({ db }),
    recipientsKept: recipientsKeptOnPrivateNetwork({ db }),
    breaks: historyBreaks({ db }),
    outbox: { ...outbox.counts(), held: outbox.heldCount() },
    tests: readTestSends(db),
    failures: outbox.failures(10),
  };
}

/**
 * What readStatus builds and reads that needs no key, done once while the password's KDF runs on
 * the thread pool (the CLI's `status`), instead of after it: the settings' schemas, and every query
 * on rows stored in clear. A query's first run builds it (kysely) and prepares its statement; the
 * second, in readStatus, takes a fraction of that. Nothing read here is kept: readStatus reads it
 * all again after the unlock, and so sees whatever changed meanwhile. Writes nothing.
 */
export function prepareStatus(db: VaultDb, clock: Clock): void {
  ownerSchema();
  smtpSettingsSchema();
  const store = new PlanStore(db);
  for (const plan of planRows(db)) {
    const isDefault = plan.is_default === 1;
    store.runtime(plan.id);
    store.armableMessageIds(plan.id, isDefault);
    store.minDeliveryDelayMs(plan.id, isDefault);
  }
  readClearRows(db, new Outbox(db, clock));
}

export function readStatus(services: VaultServices, outbox: Outbox, now: number): StatusReport {
  const { vault, plans, settings } = services;
  const db = vault.db;
  const store = new PlanStore(db);
  const planList = plans.list();
  const planStatuses = planList.map((plan): PlanStatus => {
    const rt = store.runtime(plan.id);
    const active = store.armableMessageIds(plan.id, plan.isDefault).length;
    const pending =
      rt.phase !== 'created' &&
      rt.phase !== 'stopped' &&
      rt.phase !== 'sent' &&
      rt.phase !== 'paused' &&
      rt.phase !== 'triggered';
    const timeline = pending ? simulate(plan, rt, now, store.minDeliveryDelayMs(plan.id, plan.isDefault)) : [];
    const next = timeline[0] ?? null;
    return {
      id: plan.id,
      name: plan.name,
      state: label(rt),
      phase: rt.phase,
      level: rt.level,
      isTestPlan: plan.isTestPlan,
      activeMessages: active,
      nextEvent: nextEventOf(rt, next),
      nextEventAt:
        rt.phase === 'paused' ? rt.pausedUntil : rt.phase === 'warning' ? null : (next?.at ?? nextActionAt(plan, rt)),
      deliveryAt: timeline.length > 0 ? timeline[timeline.length - 1]!.at : null,
    };
  });
  const clear = readClearRows(db, outbox);
  const tick = clear.tick;
  const ownerSet = readOwner(settings) !== null;
  const smtpConfigured = smtpSettingsSchema().safeParse(settings.get(SETTINGS.smtp)).success;
  const problems: StatusProblem[] = [];
  for (const [index, plan] of planList.entries()) {
    const status = planStatuses[index];
    if (!status || status.activeMessages === 0) continue;
    const channels = new Set(plan.levels.flatMap((l) => l.channels));
    if (channels.has('email') && !ownerSet) problems.push(statusProblem.ownerEmailMissing(plan));
    if (channels.has('email') && !smtpConfigured) problems.push(statusProblem.planSmtpMissing(plan));
    // The scheduler drops a webhook channel that leads nowhere. A named one is a mistake worth
    // saying; `webhook` (all of them) with none set up only when its level has nothing else (it
    // falls back to the desktop alone).
    const missing = new Set<string>(); // webhook names, '' for `webhook`
    for (const level of plan.levels) {
      const { unreachable, desktopFallback } = routeLevel(level.channels, clear.hooks);
      for (const channel of unreachable) {
        if (channel !== 'webhook') missing.add(channel.slice('webhook:'.length));
        else if (desktopFallback) missing.add('');
      }
    }
    for (const name of missing) problems.push(statusProblem.planWebhookMissing(plan, name || null));
  }
  if (clear.emailRecipients > 0 && !smtpConfigured) {
    problems.push(statusProblem.recipientsSmtpMissing());
  }
  for (const name of clear.webhooksKept) problems.push(statusProblem.privateNetworkKept('webhook', name));
  for (const id of clear.recipientsKept) problems.push(statusProblem.privateNetworkKept('recipient', id));
  for (const damaged of openAttachmentProblems(services)) problems.push(statusProblem.attachmentDamaged(damaged));
  const breaks = clear.breaks;
  if (breaks.length > 0) problems.push(statusProblem.auditHistoryBroken(breaks.at(-1)!, breaks.length));
  const setup = readSetup(settings);
  if (!setup.recoveryKeyConfirmed || !setup.ownerEmailSet) problems.push(statusProblem.setupUnfinished(setup));
  const backup = readBackupHealth(services, now);
  const restored = settings.get<{ at: number; seq: number }>(BACKUP_SETTINGS.restoredCopy);
  if (restored) problems.push(statusProblem.restoredCopyPaused(restored.at, restored.seq));
  const tookOver = readStandbyTookOver(services);
  if (tookOver) problems.push(statusProblem.standbyTookOver(tookOver));
  const backupFailure = readBackupFailure(services);
  if (backupFailure && now >= problemFrom(backupFailure))
    problems.push(statusProblem.backupFailing(backupFailure.since, backupFailure.lastError));
  const armed = planStatuses.some((p) => p.phase !== 'created' && p.phase !== 'sent' && p.phase !== 'stopped');
  if (armed && (!tick || now - tick.at > STALE_TICK_MS)) {
    problems.push(statusProblem.schedulerStale());
  }
  return {
    now,
    problems,
    plans: planStatuses,
    outbox: clear.outbox,
    tests: clear.tests,
    failures: clear.failures.map((r) => ({
      id: r.id,
      kind: r.kind,
      channel: r.channel,
      error: r.last_error,
      at: r.updated_at,
    })),
    lastTick: tick ?? null,
    lastCheckinAt: clear.lastCheckin?.at ?? null,
    openPrompts: clear.prompts.map((p) => ({ planId: p.plan_id, level: p.level, at: p.at, kind: p.kind })),
    owner: { emailSet: ownerSet },
    smtpConfigured,
    unattended: vault.deviceKeyStatus(),
    backup,
  };
}

export { LEVEL_COUNT };
