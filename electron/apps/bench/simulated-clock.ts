import type { Clock } from '../../core/ports/clock.js';

/**
 * The scheduler benchmark's time: it starts at a fixed instant and moves only when the benchmark
 * says so (wall and monotonic together, as if the machine ran), so that runs are comparable and
 * days of plan time take none.
 */
export function simulatedClock(start: number): Clock & { advance(ms: number): void } {
  let elapsed = 0;
  return {
    now: () => start + elapsed,
    monotonic: () => elapsed,
    advance: (ms) => void (elapsed += ms),
  };
}
