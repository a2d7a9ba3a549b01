import { useEffect, useReducer } from 'react';

/**
 * The current time, re-rendering every `intervalMs`. It is read at every render (a screen that
 * re-renders for new data gets the time of that data, not of the last tick). `offsetMs` shifts it
 * onto the server's clock (server now − local now when the data arrived), so countdowns agree
 * with the scheduler even when the two clocks differ, or the runner runs a test clock.
 */
export function useNow(intervalMs = 1000, offsetMs = 0): number {
  const [, tick] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const timer = setInterval(tick, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return Date.now() + offsetMs;
}
