import type { Logger } from '../../core/ports/logger.js';

/** The part of Electron's powerMonitor this uses; one overload per event, like Electron's typings. */
export interface PowerEventSource {
  on(event: 'suspend', listener: () => void): unknown;
  on(event: 'resume', listener: () => void): unknown;
  on(event: 'lock-screen', listener: () => void): unknown;
  on(event: 'shutdown', listener: () => void): unknown;
  removeListener(event: 'shutdown', listener: () => void): unknown;
  removeListener(event: 'suspend', listener: () => void): unknown;
  removeListener(event: 'resume', listener: () => void): unknown;
  removeListener(event: 'lock-screen', listener: () => void): unknown;
}

export type LockReason = 'suspend' | 'lock-screen' | 'idle';

export interface PowerTargets {
  /** The machine woke up: let the scheduler catch up (SchedulerLoop.onResume). */
  resume(): Promise<void>;
  /** Lock the UI session. The scheduler keeps running (it keeps the key once unlocked in this process). */
  lock(reason: LockReason): Promise<void> | void;
  /** Linux and macOS are shutting down or rebooting (`before-quit` is not sent): stop, briefly, then quit. */
  shutdown(): Promise<void>;
}

/**
 * `resume` → the scheduler catches up; `shutdown` → quit within the quit bound; `suspend` and `lock-screen` → lock (whoever opens the lid
 * or sits down next must type the password). Returns a function that removes the listeners.
 */
export function wirePowerEvents(source: PowerEventSource, targets: PowerTargets, log: Logger): () => void {
  const failed = (what: string) => (error: unknown) => log.error(`${what} failed`, { error: (error as Error).message });
  const onResume = (): void => {
    log.info('system resumed: running the scheduler now');
    targets.resume().catch(failed('catching up after resume'));
  };
  const lockFor = (reason: 'suspend' | 'lock-screen') => (): void => {
    log.info('locking', { reason });
    try {
      Promise.resolve(targets.lock(reason)).catch(failed(`locking on ${reason}`));
    } catch (error) {
      failed(`locking on ${reason}`)(error);
    }
  };
  const onSuspend = lockFor('suspend');
  const onLockScreen = lockFor('lock-screen');
  // The typings declare no argument, but Electron documents `e.preventDefault()` to delay the
  // shutdown while the app exits cleanly: called when it is there.
  const onShutdown = (event?: { preventDefault?(): void }): void => {
    log.info('the system is shutting down: quitting');
    event?.preventDefault?.();
    targets.shutdown().catch(failed('quitting on shutdown'));
  };
  source.on('resume', onResume);
  source.on('shutdown', onShutdown);
  source.on('suspend', onSuspend);
  source.on('lock-screen', onLockScreen);
  return () => {
    source.removeListener('resume', onResume);
    source.removeListener('shutdown', onShutdown);
    source.removeListener('suspend', onSuspend);
    source.removeListener('lock-screen', onLockScreen);
  };
}
