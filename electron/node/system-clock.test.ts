import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../shared/durations.js';
import { createEngine } from '../core/engine.js';
import { ClockGuard } from '../core/schedule/clock-guard.js';
import { PlanStore } from '../core/schedule/plan-store.js';
import { createTestVault } from '../core/test-support/vault-fixture.js';
import type { Clock } from '../core/ports/clock.js';
import { platformSources, sleepAwareMonotonic, systemClock } from './system-clock.js';

/** A machine: performance.now() stops while it sleeps; the boot clock (seconds) does not. */
class Machine {
  awakeMs = 5_000;
  bootS = 100;
  readonly monotonic = sleepAwareMonotonic({ awake: () => this.awakeMs, sinceBoot: () => this.bootS });
  run(ms: number): void {
    this.awakeMs += ms;
    this.bootS += ms / 1000;
  }
  sleep(ms: number): void {
    this.bootS += ms / 1000;
  }
}

describe('sleepAwareMonotonic', () => {
  it('counts time asleep, so the clock guard sees a night of sleep as time passing, not as a jump', () => {
    const machine = new Machine();
    const guard = new ClockGuard();
    let wall = Date.UTC(2026, 0, 5, 22);
    guard.observe(wall, machine.monotonic());
    machine.run(60_000);
    wall += 60_000;
    expect(guard.observe(wall, machine.monotonic())).toBe(0);
    machine.sleep(8 * HOUR_MS);
    wall += 8 * HOUR_MS;
    machine.run(60_000);
    wall += 60_000;
    expect(guard.observe(wall, machine.monotonic())).toBe(0);
  });

  it('still shows a wall-clock jump the machine did not live through', () => {
    const machine = new Machine();
    const guard = new ClockGuard();
    let wall = Date.UTC(2026, 0, 5, 22);
    guard.observe(wall, machine.monotonic());
    machine.run(60_000);
    wall += 60_000 + 90 * DAY_MS;
    expect(guard.observe(wall, machine.monotonic())).toBe(90 * DAY_MS);
  });

  it('never goes backwards, and ignores differences within the boot clock resolution', () => {
    const machine = new Machine();
    const readings = [machine.monotonic()];
    machine.awakeMs += 400; // the boot clock lags (coarse), then catches up
    readings.push(machine.monotonic());
    machine.bootS += 0.9;
    readings.push(machine.monotonic());
    machine.bootS += 0.05;
    readings.push(machine.monotonic());
    expect(readings).toEqual([5_000, 5_400, 5_400, 5_400]);
    machine.sleep(3_000);
    expect(machine.monotonic()).toBeCloseTo(5_000 + 400 + 3_550, 6);
  });

  it('uses the boot clock only where it ignores wall-clock changes (Linux, Windows)', () => {
    expect(platformSources('linux').sinceBoot).not.toBeNull();
    expect(platformSources('win32').sinceBoot).not.toBeNull();
    expect(platformSources('darwin').sinceBoot).toBeNull();
  });

  it('the system clock moves with real time', async () => {
    const before = systemClock.monotonic();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(systemClock.monotonic() - before).toBeGreaterThanOrEqual(45);
    expect(systemClock.monotonic() - before).toBeLessThan(5_000);
  });
});

describe('resume from sleep', () => {
  /** A tick, the wall clock set 90 days ahead (the monotonic clock does not move), a resume, a tick: was the jump seen? */
  async function jumpSeenAfterResume(countsSleep: boolean): Promise<boolean> {
    const tv = await createTestVault();
    const clock: Clock = { now: () => tv.clock.now(), monotonic: () => tv.clock.monotonic(), countsSleep };
    const engine = createEngine(tv.services, { clock });
    try {
      engine.scheduler.tick();
      tv.clock.setWall(tv.clock.now() + 90 * DAY_MS);
      engine.scheduler.rebaseClock(); // the shell heard the machine wake up
      return engine.scheduler.tick().clockJumpMs > 0;
    } finally {
      await engine.close();
      await tv.dispose();
    }
  }

  it('keeps the clock guard baseline where the monotonic clock counts sleep: a clock set ahead before sleeping is still seen', async () => {
    expect(await jumpSeenAfterResume(true)).toBe(true);
  });

  it('starts the baseline afresh where it does not (macOS): the time asleep cannot be told from a jump there', async () => {
    expect(await jumpSeenAfterResume(false)).toBe(false);
  });

  it('the system clock says whether it counts sleep', () => {
    expect(systemClock.countsSleep).toBe(platformSources().sinceBoot !== null);
  });
});

describe('a laptop running the scheduler for weeks, asleep every night', () => {
  /** 16 hours awake (a tick an hour), 8 asleep, for `days`; returns the jumps the scheduler saw. */
  async function liveThrough(days: number, monotonicFor: (machine: Machine) => () => number) {
    const tv = await createTestVault();
    const { services } = tv;
    const plan = services.plans.create({
      name: 'Laptop',
      intervalMs: 10 * DAY_MS,
      levels: Array.from({ length: 5 }, () => ({ waitMs: DAY_MS, channels: ['desktop' as const] })),
    });
    const recipient = services.recipients.add({ type: 'email', name: 'Anna', contact: 'anna@example.org' });
    services.messages.create({
      title: 'For Anna',
      body: 'The keys are with the neighbour.',
      planId: plan.id,
      recipientIds: [recipient.id],
    });
    const machine = new Machine();
    const monotonic = monotonicFor(machine);
    const clock: Clock = { now: () => tv.clock.now(), monotonic };
    const engine = createEngine(services, { clock });
    let jumps = 0;
    try {
      await engine.runOnce('start');
      for (let day = 0; day < days; day++) {
        for (let hour = 0; hour < 16; hour++) {
          tv.clock.advance(HOUR_MS);
          machine.run(HOUR_MS);
          if ((await engine.runOnce('timer')).tick.clockJumpMs > 0) jumps++;
        }
        tv.clock.setWall(tv.clock.now() + 8 * HOUR_MS);
        machine.sleep(8 * HOUR_MS);
      }
      const phase = new PlanStore(tv.vault.db).runtime(plan.id).phase;
      const warnings = tv.vault.db.sqlite
        .prepare(`SELECT count(*) FROM outbox WHERE kind = 'warning' AND status = 'sent'`)
        .pluck()
        .get();
      return { jumps, phase, warnings };
    } finally {
      await engine.close();
      await tv.dispose();
    }
  }

  it('warns five times and delivers: the nights count as time passing', async () => {
    const lived = await liveThrough(20, (machine) => machine.monotonic);
    expect(lived).toMatchObject({ jumps: 0, warnings: 5 });
    expect(['triggered', 'sent']).toContain(lived.phase);
  }, 60_000);

  it('(with a monotonic clock that stops while asleep, every morning would look like a jump and restart the wait)', async () => {
    const lived = await liveThrough(20, (machine) => () => machine.awakeMs);
    expect(lived).toMatchObject({ jumps: 19, warnings: 0, phase: 'scheduled' }); // the last night is never ticked after
  }, 60_000);
});
