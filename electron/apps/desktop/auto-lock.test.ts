import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutoLock, autoLockMinutes, DEFAULT_AUTO_LOCK_MINUTES } from './auto-lock.js';
import { memoryLogger } from './test-support/memory-logger.js';

function setup(minutes: number | null) {
  let idle = 0;
  let unlocked = true;
  const locks: string[] = [];
  const log = memoryLogger();
  const autoLock = new AutoLock(
    {
      idleSeconds: () => idle,
      isUnlocked: () => unlocked,
      lock: (reason) => {
        locks.push(reason);
        unlocked = false;
      },
      log,
      pollMs: 15_000,
    },
    minutes,
  );
  return {
    autoLock,
    locks,
    log,
    /** Time passes with nobody at the machine (idle grows) or with someone (idle stays 0). */
    pass(ms: number, active = false) {
      const step = 1000;
      for (let t = 0; t < ms; t += step) {
        idle = active ? 0 : idle + step / 1000;
        vi.advanceTimersByTime(step);
      }
    },
    unlock: () => void (unlocked = true),
  };
}

describe('AutoLock', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('locks once the system has been idle for N minutes', () => {
    const s = setup(5);
    s.autoLock.start();
    s.pass(4 * 60_000 + 30_000);
    expect(s.locks).toEqual([]);
    s.pass(45_000);
    expect(s.locks).toEqual(['idle']);
    s.pass(10 * 60_000);
    expect(s.locks).toEqual(['idle']); // already locked: no second lock
    s.autoLock.stop();
  });

  it('never locks while someone is using the machine', () => {
    const s = setup(1);
    s.autoLock.start();
    s.pass(30 * 60_000, true);
    expect(s.locks).toEqual([]);
    s.autoLock.stop();
  });

  it('"never" (null) does not lock; a new setting applies at the next check', () => {
    const s = setup(null);
    s.autoLock.start();
    s.pass(60 * 60_000);
    expect(s.locks).toEqual([]);
    s.autoLock.setMinutes(30);
    s.pass(15_000);
    expect(s.locks).toEqual(['idle']);
    s.autoLock.stop();
  });

  it('stop() ends the checks', () => {
    const s = setup(1);
    s.autoLock.start();
    s.autoLock.stop();
    s.pass(5 * 60_000);
    expect(s.locks).toEqual([]);
  });

  it('a failing lock is logged', async () => {
    const log = memoryLogger();
    const a = new AutoLock(
      { idleSeconds: () => 9999, isUnlocked: () => true, lock: () => Promise.reject(new Error('boom')), log },
      1,
    );
    a.check();
    await vi.runAllTimersAsync();
    expect(log.lines.some((l) => l.level === 'error' && l.fields?.error === 'boom')).toBe(true);
  });
});

describe('autoLockMinutes', () => {
  it('reads the setting: 0 or null is never; invalid falls back to the default', () => {
    expect(autoLockMinutes(0)).toBeNull();
    expect(autoLockMinutes(null)).toBeNull();
    expect(autoLockMinutes(15)).toBe(15);
    for (const bad of [undefined, -1, 1.5, '5', 100_000]) expect(autoLockMinutes(bad)).toBe(DEFAULT_AUTO_LOCK_MINUTES);
  });
});
