import { Counter, Gauge, Registry } from 'prom-client';
import type { AppCore } from '../../core/api/app-core.js';
import type { Clock } from '../../core/ports/clock.js';
import { readVaultFacts, type VaultFacts } from './vault-facts.js';

const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;
const OUTCOMES = ['sent', 'retry', 'failed'] as const;

/**
 * Prometheus metrics, read from the vault database at scrape time (no key needed: states, levels
 * and counts are not encrypted). Plans are labelled by id only; names stay encrypted.
 */
export class RunnerMetrics {
  readonly registry = new Registry();
  private readonly vaultState = this.gauge(
    'afterword_vault_state',
    'Vault state: 1 for the current one of missing, locked (no key), unlocked (key available), error',
    ['state'],
  );
  private readonly uiUnlocked = this.gauge('afterword_ui_unlocked', '1 when the owner UI is unlocked');
  private readonly tickAge = this.gauge(
    'afterword_scheduler_last_tick_age_seconds',
    'Seconds since the last scheduler tick (absent: never ticked)',
  );
  private readonly loopRunning = this.gauge('afterword_scheduler_running', '1 when this runner is ticking the vault');
  private readonly planLevel = this.gauge('afterword_plan_level', 'Warning level of each plan (0: no warning issued)', [
    'plan_id',
  ]);
  private readonly planState = this.gauge('afterword_plan_state', '1 for the current state of each plan', [
    'plan_id',
    'state',
  ]);
  private readonly outbox = this.gauge(
    'afterword_outbox_rows',
    'Outbox rows by status (pending, sending, sent, failed, cancelled)',
    ['status'],
  );
  private readonly attempts = new Counter({
    name: 'afterword_delivery_attempts_total',
    help: 'Recorded delivery attempts by outcome (sent, retry, failed), from the delivery_attempts table',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly unlockFailures = this.gauge(
    'afterword_unlock_failures',
    'Consecutive failed password unlocks (the backoff counter)',
  );
  private readonly unlockWait = this.gauge(
    'afterword_unlock_retry_after_seconds',
    'Seconds until the next password attempt is heard',
  );

  constructor(
    private readonly app: AppCore,
    private readonly clock: Clock,
    private readonly schedulerRunning: () => boolean,
  ) {}

  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    this.update(await readVaultFacts(this.app, this.clock));
    return this.registry.metrics();
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private update(f: VaultFacts): void {
    for (const g of [this.vaultState, this.tickAge, this.planLevel, this.planState, this.outbox, this.attempts])
      g.reset();
    for (const state of ['missing', 'locked', 'unlocked', 'error'] as const)
      this.vaultState.set({ state }, f.vault === state ? 1 : 0);
    this.uiUnlocked.set(f.uiUnlocked ? 1 : 0);
    this.loopRunning.set(this.schedulerRunning() ? 1 : 0);
    if (f.lastTickAgeMs !== null) this.tickAge.set(f.lastTickAgeMs / 1000);
    for (const p of f.plans) {
      this.planLevel.set({ plan_id: p.planId }, p.level);
      this.planState.set({ plan_id: p.planId, state: p.state }, 1);
    }
    for (const status of OUTBOX_STATUSES) this.outbox.set({ status }, f.outbox[status] ?? 0);
    for (const outcome of OUTCOMES) this.attempts.inc({ outcome }, f.attempts[outcome] ?? 0);
    this.unlockFailures.set(f.unlockFailures);
    this.unlockWait.set(Math.ceil(f.unlockRetryAfterMs / 1000));
  }
}
