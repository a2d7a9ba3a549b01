import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../shared/durations.js';
import { timelineEventText } from '../../../shared/plan-events.js';
import { LEVEL_COUNT, type PlanLevel } from '../../../shared/plans.js';
import { ClockGuard, JUMP_TOLERANCE_MS } from './clock-guard.js';
import {
  checkIn,
  emergencyStop,
  INITIAL_RUNTIME,
  nextActionAt,
  pause,
  restartWait,
  resume,
  simulate,
  step,
  type PlanFacts,
  type PlanRuntime,
  type PlanTiming,
  type Transition,
} from './plan-machine.js';

// ---------------------------------------------------------------------------------------------
// A driver that does to the pure machine what the long-running Scheduler + OutboxWorker do to
// the database, with a small model of the outbox, and checks the safety rules on every step.
//
// How time is judged ("trusted time", τ). The machine only ever sees the wall clock; what it
// may count as time passing is:
//  - between two ticks of one process: the monotonic time that elapsed. Real time
//    (ManualClock.advance) moves wall and monotonic together and counts; a wall-clock jump
//    (setWall: only the wall moves) is seen by the ClockGuard against its baseline, the scheduler
//    restarts the running wait, and so the jump must count for nothing;
//  - from the last tick of one process to the first tick of the next (the guard forgot its
//    baseline at the restart): the wall-clock time that elapsed, jumps included. Across a
//    restart the wall clock is the only evidence there is, and a jump then is indistinguishable
//    from the app having been off that long.
// τ advances by exactly those amounts. The rule checked: a level's wait (and, for warning 1, the
// check-in interval) must have elapsed in τ between the level's receipt (the moment the outbox
// recorded the warning as issued, at the drain after a tick) and the tick that moves on. Every
// generated jump is ≥ 1 h, far above the guard's tolerance (JUMP_TOLERANCE_MS = 2 min), so a jump
// the guard can see is always detected.
// ---------------------------------------------------------------------------------------------

type Op =
  | { t: 'tick'; dt: number | { abs: number } | { rel: number } }
  | { t: 'checkin' }
  | { t: 'jump'; ms: number }
  | { t: 'restart' }
  | { t: 'outage'; ticks: number }
  | { t: 'armable'; value: boolean };

/** A cheap assertion for the hot path (expect() in every step costs seconds over a property run). */
function must(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

interface IssuedWarning {
  cycle: number;
  level: number;
  issuedTau: number;
}

interface Receipt {
  wall: number;
  tau: number;
}

class Driver {
  wall: number;
  mono = 0;
  tau = 0;
  /** Jumps since the last tick, not yet judged observable or not. */
  private pendingJumps = 0;
  private guard = new ClockGuard();
  /** Whether the current process has ticked (so the guard has a baseline). */
  private guardBaseline = false;

  rt: PlanRuntime = INITIAL_RUNTIME;
  armable: boolean;
  /** Warning rows not yet sent: their receipt arrives after `ticksLeft` more drains. */
  private pendingWarnings: { cycle: number; level: number; ticksLeft: number }[] = [];
  private receipts = new Map<string, Receipt>();
  private nextLateness = 0;
  private deliveriesOutstanding = 0;

  /** The escalation since the plan last started over (or since the last check-in). */
  private chain: IssuedWarning[] = [];
  private chainStartTau: number | null = null;
  private lastCheckinTau: number | null = null;

  readonly log: string[] = [];
  warningsIssued = 0;
  deliveries = 0;
  ticks = 0;

  constructor(
    readonly plan: PlanTiming,
    armable: boolean,
    start = Date.UTC(2025, 0, 1),
  ) {
    this.wall = start;
    this.armable = armable;
  }

  apply(op: Op): void {
    switch (op.t) {
      case 'tick':
        return this.tick(this.resolve(op.dt));
      case 'checkin':
        return this.checkIn();
      case 'jump':
        this.wall += op.ms;
        this.pendingJumps += op.ms;
        this.log.push(`jump +${op.ms}`);
        return;
      case 'restart':
        this.guard = new ClockGuard();
        this.guardBaseline = false;
        this.log.push('restart');
        return;
      case 'outage':
        this.nextLateness = op.ticks;
        return;
      case 'armable':
        this.armable = op.value;
        return;
    }
  }

  /** A tick's advance in ms: relative ones scale with the plan's mean wait; 1 min … 40 days. */
  private resolve(dt: number | { abs: number } | { rel: number }): number {
    if (typeof dt === 'number') return dt;
    if ('abs' in dt) return dt.abs;
    const waits = [this.plan.intervalMs, ...this.plan.levels.map((l) => l.waitMs)];
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    return Math.min(40 * DAY_MS, Math.max(MINUTE_MS, Math.round(mean * dt.rel)));
  }

  private tick(dt: number): void {
    this.ticks++;
    this.wall += dt;
    this.mono += dt;
    this.tau += dt;
    if (!this.guardBaseline) this.tau += this.pendingJumps; // unobservable: counts like real time
    this.pendingJumps = 0;

    // Scheduler.tick: the guard first, restartWait for every plan when it reports a jump.
    const hadBaseline = this.guardBaseline;
    const jump = this.guard.observe(this.wall, this.mono);
    this.guardBaseline = true;
    const before = this.rt;
    if (jump > 0) {
      must(hadBaseline, 'a jump is only detected against a baseline');
      const restarted = restartWait(this.rt, this.wall);
      if (restarted) {
        must(restarted.effects.length === 0, 'restartWait has no effects');
        must(
          restarted.to.phase === this.rt.phase && restarted.to.level === this.rt.level,
          'restartWait keeps the phase and level',
        );
        this.rt = restarted.to;
        this.log.push(`  restartWait ${this.rt.phase}(${this.rt.level})`);
      }
    }

    // Scheduler.advance: one step at most.
    const facts: PlanFacts = {
      armable: this.armable,
      receiptAt:
        this.rt.phase === 'warning' ? (this.receipts.get(`${this.rt.cycle}:${this.rt.level}`)?.wall ?? null) : null,
      deliveriesOutstanding: this.rt.phase === 'triggered' ? this.deliveriesOutstanding : 0,
    };
    const transition = step(this.plan, this.rt, this.wall, facts);
    if (transition) this.onTransition(before, transition);
    this.log.push(`tick +${dt} → ${this.rt.phase}(${this.rt.level}) c${this.rt.cycle} τ=${this.tau}`);

    // OutboxWorker.drain, right after the tick (Engine.runOnce).
    this.drain();
  }

  private drain(): void {
    const still: typeof this.pendingWarnings = [];
    for (const w of this.pendingWarnings) {
      if (w.ticksLeft > 0) {
        still.push({ ...w, ticksLeft: w.ticksLeft - 1 });
        continue;
      }
      const key = `${w.cycle}:${w.level}`;
      // Outbox.receiptFor takes the first success.
      if (!this.receipts.has(key)) this.receipts.set(key, { wall: this.wall, tau: this.tau });
    }
    this.pendingWarnings = still;
    this.deliveriesOutstanding = 0;
  }

  private checkIn(): void {
    this.lastCheckinTau = this.tau;
    // Whatever the machine does, the escalation so far no longer counts: a delivery now needs a
    // whole new chain of five warnings.
    this.chain = [];
    this.chainStartTau = null;
    const transition = checkIn(this.rt, this.wall, this.armable);
    if (transition) this.onTransition(this.rt, transition);
    this.log.push(`checkin → ${this.rt.phase} c${this.rt.cycle}`);
  }

  private onTransition(from: PlanRuntime, tr: Transition): void {
    const to = tr.to;
    const issued = tr.effects.filter((e) => e.type === 'issue-warning');
    must(issued.length <= 1, 'at most one warning per transition');
    // One step per tick: the level moves by one at most, or starts over.
    must(to.level === 0 || to.level - from.level <= 1, `one level per step: ${from.level} → ${to.level}`);
    must(to.cycle === from.cycle || to.cycle === from.cycle + 1, 'cycles count up by one');

    for (const effect of tr.effects) {
      switch (effect.type) {
        case 'issue-warning': {
          must(this.armable, 'a plan with nothing to send never warns');
          must(effect.level === to.level, 'the warning is for the new level');
          must(effect.channels.join() === this.plan.levels[effect.level - 1]!.channels.join(), "the level's channels");
          if (effect.level === 1) {
            must(this.chain.length === 0, 'warning 1 starts a chain');
            must(this.chainStartTau !== null, 'warning 1 only in a started cycle');
            const waited = this.tau - this.chainStartTau!;
            must(
              waited >= this.plan.intervalMs,
              `the check-in interval (${this.plan.intervalMs} ms) elapsed in trusted time: ${waited}`,
            );
          } else {
            this.expectWaitServed(effect.level - 1);
          }
          this.chain.push({ cycle: to.cycle, level: effect.level, issuedTau: this.tau });
          this.pendingWarnings.push({ cycle: to.cycle, level: effect.level, ticksLeft: this.nextLateness });
          this.nextLateness = 0;
          this.warningsIssued++;
          break;
        }
        case 'enqueue-deliveries':
          must(
            this.chain.map((w) => w.level).join() === '1,2,3,4,5',
            `all five warnings, in order, since the last check-in: ${this.chain.map((w) => w.level).join()}`,
          );
          must(
            this.lastCheckinTau === null || this.chain[0]!.issuedTau >= this.lastCheckinTau,
            'the chain started after the last check-in',
          );
          must(new Set(this.chain.map((w) => w.cycle)).size === 1, 'the chain is one cycle');
          this.expectWaitServed(LEVEL_COUNT);
          this.deliveries++;
          this.deliveriesOutstanding = 1;
          this.chain = []; // consumed: the same chain never delivers twice
          this.chainStartTau = null;
          break;
        case 'mark-sent':
          this.armable = false; // the delivered messages are `sent` now: nothing left to arm the plan
          break;
        case 'cancel-pending':
          break;
      }
    }

    // Starting over (armed, checked in, pause ended, disarmed) resets the escalation.
    if (to.phase === 'scheduled' && (from.phase !== 'scheduled' || to.cycle !== from.cycle)) {
      this.chain = [];
      this.chainStartTau = this.tau;
    }
    if (to.phase === 'created') {
      this.chain = [];
      this.chainStartTau = null;
    }
    this.rt = to;
  }

  /** The previous warning's receipt exists, belongs to this chain, and its wait elapsed in τ. */
  private expectWaitServed(level: number): void {
    const previous = this.chain[this.chain.length - 1];
    must(previous?.level === level, `warning ${level} was issued before moving on`);
    const receipt = this.receipts.get(`${previous!.cycle}:${level}`);
    must(receipt !== undefined, `warning ${level} has a receipt`);
    must(receipt!.tau >= previous!.issuedTau, 'the receipt follows the warning');
    const waited = this.tau - receipt!.tau;
    const wait = this.plan.levels[level - 1]!.waitMs;
    must(waited >= wait, `warning ${level}'s wait (${wait} ms) elapsed in trusted time after its receipt: ${waited}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Generators

const levelArb: fc.Arbitrary<PlanLevel> = fc.record({
  waitMs: fc.oneof(
    fc.integer({ min: 1, max: 120 }).map((m) => m * MINUTE_MS),
    fc.integer({ min: 1, max: 10 * 24 }).map((h) => h * HOUR_MS),
  ),
  channels: fc.constantFrom<PlanLevel['channels']>(
    ['desktop'],
    ['desktop', 'email'],
    ['email', 'webhook'],
    ['webhook:phone'],
  ),
});

const planArb: fc.Arbitrary<PlanTiming> = fc.record({
  intervalMs: fc.oneof(
    fc.integer({ min: 1, max: 180 }).map((m) => m * MINUTE_MS),
    fc.integer({ min: 1, max: 30 }).map((d) => d * DAY_MS),
  ),
  levels: fc.array(levelArb, { minLength: LEVEL_COUNT, maxLength: LEVEL_COUNT }),
});

/** Waits of minutes, for runs that tick once a minute. */
const shortPlanArb: fc.Arbitrary<PlanTiming> = fc.record({
  intervalMs: fc.integer({ min: 1, max: 30 }).map((d) => d * DAY_MS),
  levels: fc.array(
    levelArb.map((l) => ({ ...l, waitMs: Math.min(l.waitMs, 120 * MINUTE_MS) })),
    { minLength: LEVEL_COUNT, maxLength: LEVEL_COUNT },
  ),
});

/**
 * How long a tick advances: 1 min … 40 days. Half the ticks are sized relative to the plan
 * (a fraction or a few times its mean wait) so that whole escalations happen in a run; the
 * others are absolute.
 */
type Dt = { abs: number } | { rel: number };
const dtArb: fc.Arbitrary<Dt> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 5, max: 300 }).map((pct): Dt => ({ rel: pct / 100 })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 60 }).map((m): Dt => ({ abs: m * MINUTE_MS })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 72 }).map((h): Dt => ({ abs: h * HOUR_MS })) },
  { weight: 1, arbitrary: fc.integer({ min: MINUTE_MS, max: 40 * DAY_MS }).map((ms): Dt => ({ abs: ms })) },
);

const opArb = (withArmable: boolean): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 30, arbitrary: dtArb.map((dt): Op => ({ t: 'tick', dt })) },
    { weight: 1, arbitrary: fc.constant<Op>({ t: 'checkin' }) },
    { weight: 2, arbitrary: fc.integer({ min: HOUR_MS, max: 200 * DAY_MS }).map((ms): Op => ({ t: 'jump', ms })) },
    { weight: 2, arbitrary: fc.constant<Op>({ t: 'restart' }) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 6 }).map((ticks): Op => ({ t: 'outage', ticks })) },
    { weight: withArmable ? 1 : 0, arbitrary: fc.boolean().map((value): Op => ({ t: 'armable', value })) },
    // … and a disarmed plan is usually armed again soon (a message added back).
    { weight: withArmable ? 2 : 0, arbitrary: fc.constant<Op>({ t: 'armable', value: true }) },
  );

const opsArb = (withArmable: boolean) => fc.array(opArb(withArmable), { minLength: 1, maxLength: 150, size: 'max' });

function describeRun(driver: Driver): string {
  return driver.log.slice(-40).join('\n');
}

function run(plan: PlanTiming, armable: boolean, ops: Op[]): Driver {
  const driver = new Driver(plan, armable);
  try {
    for (const op of ops) driver.apply(op);
  } catch (error) {
    (error as Error).message += `\n--- last steps ---\n${describeRun(driver)}`;
    throw error;
  }
  return driver;
}

const longest = (plan: PlanTiming): number => Math.max(plan.intervalMs, ...plan.levels.map((l) => l.waitMs));

// ---------------------------------------------------------------------------------------------

describe('plan machine: properties over random histories', () => {
  it('never delivers without five warnings in order, each wait served after its receipt in trusted time', () => {
    const numRuns = 3000;
    let delivered = 0;
    let restarted = 0;
    fc.assert(
      fc.property(planArb, opsArb(true), (plan, ops) => {
        const driver = run(plan, true, ops);
        if (driver.deliveries > 0) delivered++;
        if (driver.log.some((line) => line.includes('restartWait'))) restarted++;
      }),
      { numRuns },
    );
    // The generator must reach the interesting places: whole escalations, and jumps that hit a running wait.
    expect(delivered).toBeGreaterThan(numRuns * 0.3);
    expect(restarted).toBeGreaterThan(numRuns * 0.2);
  });

  it('a check-in before the trigger always prevents delivery in that cycle', () => {
    // Check in at a random point of a run that would otherwise escalate all the way, then keep
    // ticking less than the interval each time and checking in again: no delivery, ever.
    fc.assert(
      fc.property(planArb, opsArb(false), fc.integer({ min: 1, max: 30 }), (plan, ops, rounds) => {
        const driver = run(plan, true, ops);
        const deliveredBefore = driver.deliveries;
        if (driver.rt.phase === 'triggered' || driver.rt.phase === 'sent') return;
        driver.apply({ t: 'checkin' });
        expect(driver.rt.phase).toBe('scheduled');
        for (let i = 0; i < rounds; i++) {
          driver.apply({ t: 'tick', dt: Math.max(MINUTE_MS, Math.floor(plan.intervalMs / 2)) });
          driver.apply({ t: 'checkin' });
        }
        expect(driver.deliveries).toBe(deliveredBefore);
        expect(driver.rt.phase).toBe('scheduled');
      }),
      { numRuns: 400 },
    );
  });

  it('a plan with no armable message never warns, whatever happens', () => {
    fc.assert(
      fc.property(planArb, opsArb(false), (plan, ops) => {
        const driver = run(plan, false, ops);
        expect(driver.warningsIssued).toBe(0);
        expect(driver.deliveries).toBe(0);
        expect(driver.rt.phase).toBe('created');
      }),
      { numRuns: 500 },
    );
  });

  it('downtime, outages and jumps only delay: left alone, an armed plan always delivers, once', () => {
    // No silent non-delivery: after any history, with the owner gone (no check-ins, no more
    // jumps), every receipt eventually arriving and a tick each `longest` ms, the plan reaches
    // `sent` within a bounded number of ticks — and through at most one more full chain.
    fc.assert(
      fc.property(planArb, opsArb(true), (plan, ops) => {
        const driver = run(plan, true, ops);
        // A message is there to deliver (a new one, when the plan had already sent everything).
        driver.apply({ t: 'armable', value: true });
        const before = driver.deliveries;
        const mustDeliver = driver.rt.phase !== 'triggered';
        const step = longest(plan) + MINUTE_MS;
        const done = () => driver.rt.phase === 'sent' && (driver.deliveries > before || !mustDeliver);
        for (let i = 0; i < 40 && !done(); i++) driver.apply({ t: 'tick', dt: step });
        expect(driver.rt.phase).toBe('sent');
        expect(driver.deliveries - before).toBe(mustDeliver ? 1 : 0);
        // And it stays sent.
        for (let i = 0; i < 5; i++) driver.apply({ t: 'tick', dt: step });
        expect(driver.rt.phase).toBe('sent');
      }),
      { numRuns: 500 },
    );
  });

  it('each tick moves a plan at most one level (the app off for months issues one level per tick)', () => {
    fc.assert(
      fc.property(shortPlanArb, fc.integer({ min: 31, max: 400 }), (plan, daysOff) => {
        const driver = new Driver(plan, true);
        driver.apply({ t: 'tick', dt: MINUTE_MS }); // armed
        driver.apply({ t: 'restart' });
        driver.apply({ t: 'tick', dt: daysOff * DAY_MS }); // the app starts again after months
        expect(driver.rt).toMatchObject({ phase: 'warning', level: 1 });
        const seen: string[] = [];
        for (let i = 0; i < 5000 && driver.rt.phase !== 'sent'; i++) {
          const before = `${driver.rt.phase}(${driver.rt.level})`;
          driver.apply({ t: 'tick', dt: MINUTE_MS });
          const after = `${driver.rt.phase}(${driver.rt.level})`;
          if (after !== before) seen.push(after);
        }
        expect(seen.slice(0, 10)).toEqual([
          'waiting(1)',
          'warning(2)',
          'waiting(2)',
          'warning(3)',
          'waiting(3)',
          'warning(4)',
          'waiting(4)',
          'warning(5)',
          'waiting(5)',
          'triggered(5)',
        ]);
        expect(driver.rt.phase).toBe('sent');
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Example-based: one rule each.

const MIN = MINUTE_MS;
const T = Date.UTC(2025, 2, 1, 9, 0, 0);
const PLAN: PlanTiming = {
  intervalMs: 60 * MIN,
  levels: [
    { waitMs: 10 * MIN, channels: ['desktop'] },
    { waitMs: 20 * MIN, channels: ['desktop', 'email'] },
    { waitMs: 30 * MIN, channels: ['email', 'webhook'] },
    { waitMs: 40 * MIN, channels: ['email', 'webhook'] },
    { waitMs: 50 * MIN, channels: ['email', 'webhook:phone'] },
  ],
};
const ARMED: PlanFacts = { armable: true, receiptAt: null, deliveriesOutstanding: 0 };
const rt = (over: Partial<PlanRuntime>): PlanRuntime => ({ ...INITIAL_RUNTIME, ...over });

describe('plan machine: rules', () => {
  it('created: nothing to send, no warning; armed when a message can be delivered', () => {
    expect(step(PLAN, INITIAL_RUNTIME, T + 365 * DAY_MS, { ...ARMED, armable: false })).toBeNull();
    const armed = step(PLAN, INITIAL_RUNTIME, T, ARMED)!;
    expect(armed.effects).toEqual([]);
    expect(armed.to).toMatchObject({ phase: 'scheduled', level: 0, cycle: 1, armedAt: T, waitFrom: T });
  });

  it('scheduled: warning 1 exactly when the interval ran out, with the level-1 channels', () => {
    const s = rt({ phase: 'scheduled', cycle: 1, waitFrom: T });
    expect(step(PLAN, s, T + 60 * MIN - 1, ARMED)).toBeNull();
    const t = step(PLAN, s, T + 60 * MIN, ARMED)!;
    expect(t.to).toMatchObject({ phase: 'warning', level: 1, waitFrom: null, cycle: 1 });
    expect(t.effects).toEqual([{ type: 'issue-warning', level: 1, channels: ['desktop'] }]);
  });

  it('scheduled/warning/waiting with nothing left to send: disarmed, pending warnings cancelled', () => {
    expect(
      step(PLAN, rt({ phase: 'scheduled', cycle: 1, waitFrom: T }), T, { ...ARMED, armable: false }),
    ).toMatchObject({
      to: { phase: 'created', level: 0 },
      effects: [],
    });
    for (const phase of ['warning', 'waiting'] as const) {
      expect(step(PLAN, rt({ phase, level: 2, cycle: 1, waitFrom: T }), T, { ...ARMED, armable: false })).toMatchObject(
        {
          to: { phase: 'created', level: 0 },
          effects: [{ type: 'cancel-pending' }],
        },
      );
    }
  });

  it('warning: waits for its receipt however long it takes (an outage delays, never skips)', () => {
    const w = rt({ phase: 'warning', level: 2, cycle: 1 });
    expect(step(PLAN, w, T + 300 * DAY_MS, ARMED)).toBeNull();
    const t = step(PLAN, w, T + 300 * DAY_MS, { ...ARMED, receiptAt: T + 299 * DAY_MS })!;
    expect(t.to).toMatchObject({ phase: 'waiting', level: 2, waitFrom: T + 299 * DAY_MS });
    expect(t.effects).toEqual([]);
  });

  it('waiting: the wait is timed from the receipt, not from the deadline', () => {
    // Warning 2 was due at T but only issued (receipt) 3 h later: warning 3 comes 20 min after the receipt.
    const w = rt({ phase: 'waiting', level: 2, cycle: 1, waitFrom: T + 3 * HOUR_MS });
    expect(step(PLAN, w, T + 3 * HOUR_MS + 20 * MIN - 1, ARMED)).toBeNull();
    expect(step(PLAN, w, T + 3 * HOUR_MS + 20 * MIN, ARMED)).toMatchObject({
      to: { phase: 'warning', level: 3 },
      effects: [{ type: 'issue-warning', level: 3, channels: ['email', 'webhook'] }],
    });
  });

  it('waiting(5): the final wait over, triggered, deliveries enqueued', () => {
    const w = rt({ phase: 'waiting', level: 5, cycle: 1, waitFrom: T });
    expect(step(PLAN, w, T + 50 * MIN - 1, ARMED)).toBeNull();
    expect(step(PLAN, w, T + 50 * MIN, ARMED)).toMatchObject({
      to: { phase: 'triggered', level: 5, waitFrom: null },
      effects: [{ type: 'enqueue-deliveries' }],
    });
  });

  it('triggered: sent once no delivery is outstanding; a new message arms it again', () => {
    const tr = rt({ phase: 'triggered', level: 5, cycle: 1 });
    expect(step(PLAN, tr, T, { ...ARMED, deliveriesOutstanding: 2 })).toBeNull();
    expect(step(PLAN, tr, T, { ...ARMED, deliveriesOutstanding: 0 })).toMatchObject({
      to: { phase: 'sent' },
      effects: [{ type: 'mark-sent' }],
    });
    const sent = rt({ phase: 'sent', level: 5, cycle: 1 });
    expect(step(PLAN, sent, T, { ...ARMED, armable: false })).toBeNull();
    expect(step(PLAN, sent, T, ARMED)).toMatchObject({
      to: { phase: 'scheduled', level: 0, cycle: 2, armedAt: T, waitFrom: T },
    });
  });

  it('check-in: from every state before delivery, back to scheduled in a new cycle, pending cancelled', () => {
    for (const phase of ['created', 'scheduled', 'warning', 'waiting', 'paused'] as const) {
      const from = rt({
        phase,
        level: phase === 'warning' || phase === 'waiting' ? 3 : 0,
        cycle: 4,
        waitFrom: T - HOUR_MS,
        pausedUntil: phase === 'paused' ? T + DAY_MS : null,
      });
      const t = checkIn(from, T, true)!;
      expect(t.to).toMatchObject({
        phase: 'scheduled',
        level: 0,
        cycle: 5,
        waitFrom: T,
        lastCheckinAt: T,
        pausedUntil: null,
      });
      expect(t.effects).toEqual([{ type: 'cancel-pending' }]);
      // Nothing to send: starts over as created (no warnings).
      expect(checkIn(from, T, false)!.to).toMatchObject({ phase: 'created', waitFrom: null });
    }
    expect(checkIn(rt({ phase: 'stopped' }), T, true)).toBeNull();
    expect(checkIn(rt({ phase: 'sent', level: 5 }), T, true)).toBeNull();
    // Triggered (deliveries queued, not all sent): the owner is alive; what has not gone out is cancelled.
    expect(checkIn(rt({ phase: 'triggered', level: 5, cycle: 2 }), T, true)).toMatchObject({
      to: { phase: 'scheduled', cycle: 3 },
      effects: [{ type: 'cancel-pending' }],
    });
  });

  it('pause / resume / pause ending / emergency stop', () => {
    const w = rt({ phase: 'waiting', level: 2, cycle: 1, waitFrom: T });
    const p = pause(w, T + DAY_MS)!;
    expect(p.to).toMatchObject({ phase: 'paused', level: 0, waitFrom: null, pausedUntil: T + DAY_MS });
    expect(p.effects).toEqual([{ type: 'cancel-pending' }]);
    for (const phase of ['triggered', 'sent', 'stopped'] as const) expect(pause(rt({ phase }), T)).toBeNull();
    expect(step(PLAN, p.to, T + DAY_MS - 1, ARMED)).toBeNull();
    expect(step(PLAN, p.to, T + DAY_MS, ARMED)).toMatchObject({
      to: { phase: 'scheduled', cycle: 2, waitFrom: T + DAY_MS, pausedUntil: null },
    });
    expect(resume(p.to, T + HOUR_MS, true)).toMatchObject({
      to: { phase: 'scheduled', cycle: 2, waitFrom: T + HOUR_MS, lastCheckinAt: T + HOUR_MS },
    });
    expect(resume(w, T, true)).toBeNull();
    const stopped = emergencyStop(w)!;
    expect(stopped).toMatchObject({
      to: { phase: 'stopped', level: 0, waitFrom: null },
      effects: [{ type: 'cancel-pending' }],
    });
    expect(step(PLAN, stopped.to, T + 1000 * DAY_MS, ARMED)).toBeNull();
    expect(emergencyStop(stopped.to)).toBeNull();
    expect(resume(stopped.to, T, true)).toMatchObject({ to: { phase: 'scheduled', cycle: 2 } });
  });

  it('a wall-clock jump restarts the running wait (interval or level wait)', () => {
    const s = rt({ phase: 'scheduled', cycle: 1, waitFrom: T });
    const later = T + 90 * DAY_MS;
    const r = restartWait(s, later)!;
    expect(r.to).toMatchObject({ phase: 'scheduled', waitFrom: later });
    expect(r.effects).toEqual([]);
    expect(step(PLAN, r.to, later, ARMED)).toBeNull();
    const w = restartWait(rt({ phase: 'waiting', level: 3, cycle: 1, waitFrom: T }), later)!;
    expect(w.to).toMatchObject({ phase: 'waiting', level: 3, waitFrom: later });
    for (const phase of ['created', 'triggered', 'sent', 'paused', 'stopped'] as const)
      expect(restartWait(rt({ phase }), later)).toBeNull();
  });

  it('a jump while a warning is out: a receipt from before the jump does not start the wait early', () => {
    // Warning 2 was issued (receipt at T), then the wall clock jumped 90 days before the next
    // tick saw the receipt. The wait must run from the jump, not from T (which the jump "served").
    const w = rt({ phase: 'warning', level: 2, cycle: 1 });
    const later = T + 90 * DAY_MS;
    const r = restartWait(w, later);
    expect(r?.effects).toEqual([]);
    const afterJump = r?.to ?? w;
    expect(afterJump.phase).toBe('warning');
    expect(nextActionAt(PLAN, afterJump), 'looked at again at once: the receipt may be in').toBe(later);
    const t = step(PLAN, afterJump, later, { ...ARMED, receiptAt: T })!;
    expect(t.to).toMatchObject({ phase: 'waiting', level: 2 });
    expect(step(PLAN, t.to, later + MIN, ARMED)).toBeNull();
    expect(nextActionAt(PLAN, t.to)).toBe(later + 20 * MIN);
    // A receipt after the jump is used as is.
    expect(step(PLAN, afterJump, later + 5 * MIN, { ...ARMED, receiptAt: later + 4 * MIN })!.to.waitFrom).toBe(
      later + 4 * MIN,
    );
  });

  it('the clock guard: jumps beyond the tolerance are reported; real time and rebase are not', () => {
    const g = new ClockGuard();
    expect(g.observe(T, 0)).toBe(0);
    expect(g.observe(T + HOUR_MS, HOUR_MS)).toBe(0); // real time
    expect(g.observe(T + 2 * HOUR_MS + JUMP_TOLERANCE_MS, 2 * HOUR_MS)).toBe(0); // NTP-size drift
    expect(g.observe(T + 90 * DAY_MS, 2 * HOUR_MS + MIN)).toBe(90 * DAY_MS - 2 * HOUR_MS - JUMP_TOLERANCE_MS - MIN);
    expect(g.observe(T + 80 * DAY_MS, 3 * HOUR_MS)).toBe(0); // backwards: never brings anything closer
    g.rebase(); // resume from sleep
    expect(g.observe(T + 200 * DAY_MS, 3 * HOUR_MS)).toBe(0);
  });

  it('nextActionAt: when the scheduler has to look again', () => {
    expect(nextActionAt(PLAN, rt({ phase: 'scheduled', waitFrom: T }))).toBe(T + 60 * MIN);
    expect(nextActionAt(PLAN, rt({ phase: 'waiting', level: 4, waitFrom: T }))).toBe(T + 40 * MIN);
    expect(nextActionAt(PLAN, rt({ phase: 'paused', pausedUntil: T }))).toBe(T);
    for (const phase of ['created', 'warning', 'triggered', 'sent', 'stopped'] as const)
      expect(nextActionAt(PLAN, rt({ phase, level: 1 }))).toBeNull();
  });

  it('simulate: the timeline matches what the machine does with instant receipts', () => {
    for (const start of [
      rt({ phase: 'scheduled', cycle: 1, waitFrom: T }),
      rt({ phase: 'warning', level: 2, cycle: 1 }),
      rt({ phase: 'waiting', level: 3, cycle: 1, waitFrom: T + 2 * HOUR_MS }),
    ]) {
      const now = T + HOUR_MS + 30 * MIN;
      const timeline = simulate(PLAN, start, now);
      expect(timeline[timeline.length - 1]!.event).toBe('delivery');
      // Replay: receipts the moment a warning is issued, ticks exactly at each next action.
      let state = start;
      let at = now;
      const events: { at: number; event: string }[] = [];
      for (let i = 0; i < 20 && state.phase !== 'triggered'; i++) {
        const t = step(PLAN, state, at, { ...ARMED, receiptAt: state.phase === 'warning' ? at : null });
        if (!t) {
          at = Math.max(at, nextActionAt(PLAN, state)!);
          continue;
        }
        for (const e of t.effects) {
          if (e.type === 'issue-warning') events.push({ at, event: `warning ${e.level}` });
          if (e.type === 'enqueue-deliveries') events.push({ at, event: 'messages delivered' });
        }
        // A warning being sent at `now` already counts as issued in simulate.
        if (state.phase === 'warning' && events.length === 0) events.push({ at, event: `warning ${state.level}` });
        state = t.to;
      }
      expect(events).toEqual(
        timeline.map(({ at: a, event, level }) => ({ at: a, event: timelineEventText(event, level) })),
      );
    }
  });
});
