import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { everyMinute } from './minute-timer.js';

const MINUTE = 60_000;

describe('everyMinute', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-07T10:00:30.250Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('fires once at the start of each minute, not in between', () => {
    const fire = vi.fn();
    const timer = everyMinute(fire);
    vi.advanceTimersByTime(29_000);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000); // 10:01:00.250 → the check at the whole second after 10:01:00
    expect(fire).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(MINUTE - 1_000);
    expect(fire).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    expect(fire).toHaveBeenCalledTimes(2);
    timer.stop();
    vi.advanceTimersByTime(5 * MINUTE);
    expect(fire).toHaveBeenCalledTimes(2);
  });

  it('a clock set forward or back fires within a second, once', () => {
    const fire = vi.fn();
    const timer = everyMinute(fire);
    vi.setSystemTime(new Date('2026-12-07T13:00:10Z')); // forward, as after a sleep
    vi.advanceTimersByTime(1_000);
    expect(fire).toHaveBeenCalledTimes(1);
    vi.setSystemTime(new Date('2026-12-07T09:15:10Z')); // back
    vi.advanceTimersByTime(1_000);
    expect(fire).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(30_000);
    expect(fire).toHaveBeenCalledTimes(2);
    timer.stop();
  });
});
