import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../core/ports/logger.js';

/**
 * How long quitting waits for the scheduler's run in flight. One e-mail can take minutes of SMTP
 * timeouts; past this, the app quits anyway: the outbox is crash-safe (a send cut on the wire is
 * sent again at the next start with the same Message-ID, the rest was never taken off the queue).
 */
export const QUIT_GRACE_MS = 10_000;

export interface QuitSequenceDeps {
  /** Stops the scheduler (waiting for the run in flight) and closes the vault. */
  close(): Promise<void>;
  /** What the tray shows while quitting. */
  progress(text: string): void;
  /** Resolves after `ms`, or never once `signal` aborts (node:timers/promises setTimeout). */
  wait(ms: number, signal: AbortSignal): Promise<unknown>;
  graceMs?: number;
  log: Logger;
}

export type QuitReason = 'quit' | 'system shutdown' | 'session end';

/**
 * The one way the desktop app stops, whatever asked (Quit, `before-quit`, the OS shutting down or
 * ending the session): at most `graceMs` of waiting, with the tray saying so. Never rejects.
 */
export class QuitSequence {
  private running: Promise<void> | null = null;
  private finished = false;

  constructor(private readonly deps: QuitSequenceDeps) {}

  /** Whether stopping has begun (a closing window must then really close). */
  get started(): boolean {
    return this.running !== null;
  }

  /** Whether the app may now exit (before-quit must not be prevented any more). */
  get done(): boolean {
    return this.finished;
  }

  run(reason: QuitReason): Promise<void> {
    this.running ??= this.stop(reason);
    return this.running;
  }

  private async stop(reason: QuitReason): Promise<void> {
    const { log } = this.deps;
    const graceMs = this.deps.graceMs ?? QUIT_GRACE_MS;
    log.info('quitting', { reason, graceMs });
    try {
      this.deps.progress(
        `Quitting: finishing the send in flight (at most ${Math.ceil(graceMs / 1000)} s); anything else waits in the outbox`,
      );
    } catch (error) {
      log.warn('could not show the quit progress', { error: (error as Error).message });
    }
    const timer = new AbortController();
    const closed = this.deps.close().then(
      () => 'closed' as const,
      (error: unknown) => {
        log.error('closing the vault failed', { error: (error as Error)?.message });
        return 'failed' as const;
      },
    );
    const outcome = await Promise.race([closed, this.deps.wait(graceMs, timer.signal).then(() => 'timeout' as const)]);
    timer.abort();
    if (outcome === 'timeout') {
      log.warn('quitting with a send still in flight: the outbox sends it again at the next start', { graceMs });
    }
    this.finished = true;
  }
}

/** node:timers/promises' setTimeout, swallowing the abort. */
export function abortableWait(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => new Promise<never>(() => undefined));
}
