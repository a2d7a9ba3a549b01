import { createTask, validate } from 'node-cron';
import type { Engine } from '../engine.js';
import { EVERY_MINUTE, everyMinute } from './minute-timer.js';

export interface SchedulerLoopOptions {
  /** node-cron expression; every minute by default (6 fields for seconds, in tests). */
  cron?: string;
  onRun?: (result: Awaited<ReturnType<Engine['runOnce']>>) => void;
  onError?: (error: unknown) => void;
}

/**
 * Keeps a long-running process (desktop app, `afterword serve`) ticking: once at start, on the
 * cron schedule, and on resume from sleep. Runs never overlap; `stop()` waits for the sends on the
 * wire (the run takes no further row) so a shutdown never cuts a send between "sent" and "recorded".
 */
export class SchedulerLoop {
  /** The schedule's timer while started; null once stopped. */
  private timer: { stop(): Promise<void> | void } | null = null;
  private running: Promise<void> | null = null;
  /** A run requested while one was in flight: its source, for the one run that follows. */
  private again: string | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly options: SchedulerLoopOptions = {},
  ) {
    const cron = options.cron ?? EVERY_MINUTE;
    if (!validate(cron)) throw new Error(`invalid cron expression: ${cron}`);
  }

  start(): Promise<void> {
    const cron = this.options.cron ?? EVERY_MINUTE;
    const onTime = (): void => void this.runNow('timer');
    if (cron === EVERY_MINUTE) {
      this.timer = everyMinute(onTime);
    } else {
      const task = createTask(cron, onTime, { noOverlap: false });
      void task.start();
      this.timer = {
        stop: async () => {
          await task.stop();
          await task.destroy();
        },
      };
    }
    return this.runNow('start');
  }

  /** The system woke up: the time asleep was real, and whatever fell due should happen now. */
  onResume(): Promise<void> {
    this.engine.scheduler.rebaseClock();
    return this.runNow('resume');
  }

  /** Runs a tick and a drain now; if one is in flight, runs once more right after it. */
  runNow(source: string): Promise<void> {
    if (this.running) {
      this.again = source; // the latest request names the run that follows
      return this.running;
    }
    this.running = (async () => {
      try {
        for (let current: string | null = source; current !== null; current = this.timer ? this.again : null) {
          this.again = null;
          try {
            // Not `onRun?.(await …)`: an optional call skips evaluating its arguments.
            const result = await this.engine.runOnce(current);
            this.options.onRun?.(result);
          } catch (error) {
            this.options.onError?.(error);
          }
        }
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = null;
    await timer?.stop();
    this.engine.worker?.stopTaking(); // finish what is on the wire; the rest stays in the outbox
    await this.running;
  }
}
