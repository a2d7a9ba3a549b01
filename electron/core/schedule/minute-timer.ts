/** The schedule a long-running process ticks on unless told otherwise (cron syntax: every minute). */
export const EVERY_MINUTE = '* * * * *';

export interface RepeatingTimer {
  stop(): void;
}

/**
 * Calls `fire` once at the start of every wall-clock minute, as the cron schedule `* * * * *`
 * does, without a cron library: node-cron formats the date through Intl at every check, which
 * pages in ~6 MB of ICU data for a runner that only needs the minute to change. The clock is
 * looked at each second, so a machine waking from sleep or a clock set back or forth ticks within
 * a second (a minute that differs from the last one fired, in either direction).
 */
export function everyMinute(fire: () => void, now: () => number = Date.now): RepeatingTimer {
  let firedMinute = Math.floor(now() / 60_000);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const nextCheck = (): void => {
    timer = setTimeout(check, 1000 - (now() % 1000));
  };
  const check = (): void => {
    const minute = Math.floor(now() / 60_000);
    if (minute !== firedMinute) {
      firedMinute = minute;
      fire();
    }
    nextCheck();
  };
  nextCheck();
  return { stop: () => clearTimeout(timer) };
}
