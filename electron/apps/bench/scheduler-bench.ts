/**
 * (5) Scheduler tick on a busy vault: `plans` warning plans (the default plan among them) and
 * `messages` active messages, each with a recipient and spread over the plans. Every plan is armed
 * (`scheduled`) with its next check a whole interval away, so a tick finds nothing due; that tick
 * is what the runner does every minute for years, and is timed. For context, one tick where every
 * plan is due at once (each issues its first warning) is timed too.
 */
import { join } from 'node:path';
import { defaultPlanSpec } from '../../../shared/plans.js';
import { createEngine, initializeVaultContent } from '../../core/engine.js';
import { auditHead, BACKUP_SETTINGS } from '../../core/backup/backup-health.js';
import type { ObjectStoreFactory } from '../../core/ports/object-store.js';
import { createVaultServices } from '../../core/services.js';
import { Vault } from '../../core/vault/vault.js';
import { simulatedClock } from './simulated-clock.js';
import { median, nowMs, timeSync } from './stats.js';
import { BENCH_PASSWORD, SETUP_SCRYPT, makeBody } from './write-bench.js';

export interface SchedulerSizes {
  plans: number;
  messages: number;
  /** Distinct recipients the messages are spread over. */
  recipients: number;
  bodyBytes: number;
  idleTicks: number;
}

export interface SchedulerResult {
  idleMedianMs: number;
  idleTicksMs: number[];
  /** What each pass adds for automatic backups when none is due (target set, pushed a minute ago). */
  idleBackupCheckMedianMs: number;
  /** The one tick where every plan was due (each moved scheduled → warning(1)). */
  allDueMs: number;
  checks: {
    schedulerSetupS: number;
    /** Plans in `scheduled` after the arming tick. */
    schedulerArmedPlans: number;
    schedulerArmingTransitions: number;
    /** Transitions over all the idle ticks: must be 0, or they were not idle. */
    schedulerIdleTransitions: number;
    schedulerCheckInMs: number;
    schedulerAllDueTransitions: number;
    /** Warning rows the all-due tick put in the outbox. */
    schedulerAllDueWarnings: number;
    schedulerIdleP90Ms: number;
    schedulerIdleMaxMs: number;
    /** Pushes the idle backup checks started: must be 0, or they were not idle. */
    schedulerIdleBackupPushes: number;
  };
}

/** 2025-03-01T09:00:00Z: a fixed start keeps runs comparable (the simulated clock is moved by hand). */
const T0 = Date.UTC(2025, 2, 1, 9, 0, 0);
const MINUTE = 60_000;

export async function schedulerBench(
  tmp: string,
  sizes: SchedulerSizes,
  progress: (line: string) => void,
): Promise<SchedulerResult> {
  const clock = simulatedClock(T0);
  const { vault } = await Vault.create(join(tmp, 'vault-scheduler'), BENCH_PASSWORD, { clock, scrypt: SETUP_SCRYPT });
  try {
    const services = createVaultServices(vault, clock);
    const setupStart = nowMs();
    // Setup speed only: one outer transaction, the repo calls become savepoints inside it.
    vault.db.q.transaction(() => {
      initializeVaultContent(services); // the default plan: one of the `plans`
      const spec = defaultPlanSpec();
      const planIds = [services.plans.defaultPlanId()!];
      for (let i = 1; i < sizes.plans; i++)
        planIds.push(services.plans.create({ ...spec, name: `Bench plan ${i}` }).id);
      const recipientIds: string[] = [];
      for (let i = 0; i < sizes.recipients; i++) {
        recipientIds.push(
          services.recipients.add({ type: 'email', name: `Recipient ${i}`, contact: `recipient${i}@example.org` }).id,
        );
      }
      const body = makeBody(sizes.bodyBytes);
      for (let i = 0; i < sizes.messages; i++) {
        services.messages.create({
          title: `Benchmark message ${i}`,
          body,
          recipientIds: [recipientIds[i % recipientIds.length]!],
          planId: planIds[i % planIds.length]!,
        });
      }
    });
    let bucketsOpened = 0;
    const objectStores: ObjectStoreFactory = () => {
      bucketsOpened++;
      throw new Error('the scheduler bench pushes no backup');
    };
    const engine = createEngine(services, { clock, objectStores });
    try {
      // Arms every plan: created → scheduled, next look one interval (30 days) from now.
      const arming = engine.scheduler.tick('bench');
      const armed = vault.db.sqlite
        .prepare(`SELECT count(*) FROM plan_state WHERE state = 'scheduled'`)
        .pluck()
        .get() as number;
      const schedulerSetupS = (nowMs() - setupStart) / 1000;
      progress(
        `  ${sizes.plans} plans, ${sizes.messages} messages, ${armed} plans armed (setup ${schedulerSetupS.toFixed(1)} s)`,
      );

      clock.advance(5 * MINUTE);
      // A bucket is set up and everything was pushed a minute ago: the backup check finds nothing due.
      services.settings.set(BACKUP_SETTINGS.target, { endpoint: 'http://127.0.0.1:9', bucket: 'bench' });
      services.settings.set(BACKUP_SETTINGS.last, {
        at: clock.now() - MINUTE,
        seq: 1,
        snapshotId: 'bench',
        auditSeq: auditHead(vault.db),
      });
      let idleTransitions = 0;
      const idleTicksMs: number[] = [];
      for (let i = 0; i < sizes.idleTicks; i++) {
        idleTicksMs.push(
          timeSync(() => {
            idleTransitions += engine.scheduler.tick('bench').transitions.length;
          }),
        );
        clock.advance(1000);
      }
      const idleBackupMs: number[] = [];
      for (let i = 0; i < sizes.idleTicks; i++) idleBackupMs.push(timeSync(() => void engine.backups!.kick()));
      await engine.settled();

      // Every plan due at once: check in (each plan starts its interval again), then let the
      // interval run out. The tick moves each plan to warning(1) and queues its warning.
      const checkInMs = timeSync(() => void engine.scheduler.checkIn('bench'));
      const outboxBefore = vault.db.sqlite.prepare(`SELECT count(*) FROM outbox WHERE kind = 'warning'`).pluck();
      const warningsBefore = outboxBefore.get() as number;
      clock.advance(defaultPlanSpec().intervalMs + MINUTE);
      let allDueTransitions = 0;
      const allDueMs = timeSync(() => {
        allDueTransitions = engine.scheduler.tick('bench').transitions.length;
      });
      const warningsAfter = outboxBefore.get() as number;

      const sorted = [...idleTicksMs].sort((a, b) => a - b);
      return {
        idleMedianMs: median(idleTicksMs),
        idleTicksMs,
        idleBackupCheckMedianMs: median(idleBackupMs),
        allDueMs,
        checks: {
          schedulerSetupS,
          schedulerArmedPlans: armed,
          schedulerArmingTransitions: arming.transitions.length,
          schedulerIdleTransitions: idleTransitions,
          schedulerCheckInMs: checkInMs,
          schedulerAllDueTransitions: allDueTransitions,
          schedulerAllDueWarnings: warningsAfter - warningsBefore,
          schedulerIdleP90Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]!,
          schedulerIdleMaxMs: sorted[sorted.length - 1]!,
          schedulerIdleBackupPushes: bucketsOpened,
        },
      };
    } finally {
      await engine.close();
    }
  } finally {
    await vault.close();
  }
}
