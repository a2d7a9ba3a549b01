import type { AppCore } from './app-core.js';
import { SETTINGS } from '../delivery/owner-settings.js';
import type { Engine } from '../engine.js';
import { SchedulerLoop } from '../schedule/scheduler-loop.js';
import type { Logger } from '../ports/logger.js';

export interface AppSchedulerOptions {
  /** node-cron expression; every minute by default. */
  cron?: string;
  /** Stored as the publicUrl setting once the key is available, so warnings carry links. */
  publicUrl?: string;
  logger?: Logger;
  /** After each pass (the CLI's `run` prints what changed). */
  onRun?: (result: RunResult) => void;
  /** A pass failed (also logged). */
  onError?: (error: unknown) => void;
}

type RunResult = Awaited<ReturnType<Engine['runOnce']>>;

/**
 * Runs a SchedulerLoop on the AppCore's engine while there is one: started (with a tick) when the
 * key becomes available, stopped when it goes away. Loops never overlap: a new one starts only
 * after the previous one has finished what it had in flight.
 */
export class AppScheduler {
  private loop: SchedulerLoop | null = null;
  private engine: Engine | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The newest desktop prompt already announced as `warning.awaiting`. */
  private lastPromptId: number | null = null;
  private readonly unsubscribe: () => void;
  /** When the current loop started, and whether one of its passes has completed since (for /healthz). */
  private loopStartedAt: number | null = null;
  private passCompleted = false;

  constructor(
    private readonly app: AppCore,
    private readonly options: AppSchedulerOptions = {},
  ) {
    this.unsubscribe = app.onEngine((engine) => this.switchTo(engine));
  }

  get running(): boolean {
    return this.loop !== null;
  }

  /** While running: since when, and whether a pass has completed since then (a stale tick in the vault may be another process's). */
  get progress(): { startedAt: number; passCompleted: boolean } | null {
    return this.loop && this.loopStartedAt !== null
      ? { startedAt: this.loopStartedAt, passCompleted: this.passCompleted }
      : null;
  }

  /** Ticks and drains now (test clock, check-ins); resolves when that run is done. */
  async runNow(source: string): Promise<void> {
    await this.chain;
    await this.loop?.runNow(source);
  }

  /**
   * Stops the current engine's loop, waiting for the sends on the wire; an engine that appears
   * later gets a loop again (a standby that lost its lease, before its vault is closed).
   */
  async pause(): Promise<void> {
    const loop = this.loop;
    this.loop = null;
    this.loopStartedAt = null;
    this.chain = this.chain.then(() => loop?.stop());
    await this.chain;
  }

  /**
   * Stops for good, waiting for the send in flight; a backup push under way gets a few seconds to
   * finish and is then cut short (the process is shutting down: it must not wait hours for an
   * upload). Engines that appear later are ignored.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    const loop = this.loop;
    const engine = this.engine;
    this.loop = null;
    this.engine = null;
    this.chain = this.chain.then(() => Promise.all([loop?.stop(), engine?.stopBackups()])).then(() => undefined);
    await this.chain;
  }

  private switchTo(engine: Engine | null): void {
    if (this.stopped) return;
    const previous = this.loop;
    const next = engine ? this.loopFor(engine) : null;
    this.loop = next;
    this.engine = engine;
    this.loopStartedAt = next ? this.app.deps.clock.now() : null;
    this.passCompleted = false;
    if (engine) {
      this.storePublicUrl();
      this.lastPromptId = this.newestPromptId();
    }
    this.chain = this.chain
      .then(() => previous?.stop())
      .then(() => {
        // Started only if still current: the engine may have gone again meanwhile.
        if (next && this.loop === next) void next.start();
      })
      .catch((error: unknown) =>
        this.options.logger?.error('scheduler loop switch failed', { error: (error as Error)?.message }),
      );
  }

  private loopFor(engine: Engine): SchedulerLoop {
    return new SchedulerLoop(engine, {
      cron: this.options.cron,
      onRun: (result) => {
        this.passCompleted = true;
        this.announce(result);
        this.options.onRun?.(result);
      },
      onError: (error) => {
        this.options.logger?.error('scheduler run failed', { error: (error as Error)?.message });
        this.options.onError?.(error);
      },
    });
  }

  /** What the UI hears over the event socket after each run. */
  private announce({ tick, drain }: RunResult): void {
    const { events } = this.app;
    try {
      if (drain.attempted > 0 || tick.transitions.length > 0) {
        const c = this.app.engineOrThrow().outbox.counts();
        events.emit('outbox.progress', { pending: c.pending + c.sending, sent: c.sent, failed: c.failed });
      }
      this.announcePrompts();
    } catch {
      // The vault closed during the run: nothing to report.
    }
  }

  private newestPromptId(): number | null {
    try {
      const { db } = this.app.vaultOrThrow();
      return db.q.get(db.kysely.selectFrom('desktop_prompts').select((eb) => eb.fn.max('id').as('id')))?.id ?? 0;
    } catch {
      return null;
    }
  }

  /** Desktop warnings recorded since the last run ("Are you there?" in the UI). */
  private announcePrompts(): void {
    const { db } = this.app.vaultOrThrow();
    const newest = this.newestPromptId() ?? 0;
    const since = this.lastPromptId;
    this.lastPromptId = newest;
    if (since === null || newest <= since) return;
    const prompts = db.q.all(
      db.kysely
        .selectFrom('desktop_prompts')
        .select(['plan_id', 'level', 'at', 'kind'])
        .where('id', '>', since)
        .where('answered_at', 'is', null)
        .orderBy('id'),
    );
    for (const p of prompts)
      this.app.events.emit('warning.awaiting', { planId: p.plan_id, level: p.level, at: p.at, kind: p.kind });
  }

  private storePublicUrl(): void {
    const url = this.options.publicUrl;
    if (!url) return;
    try {
      const { settings } = this.app.keyedServices();
      if (settings.get<string>(SETTINGS.publicUrl) !== url) settings.set(SETTINGS.publicUrl, url);
    } catch (error) {
      this.options.logger?.warn('could not store the public URL', { error: (error as Error)?.message });
    }
  }
}
