// Black-box tests of the warning engine through the compiled `afterword` CLI: every command runs
// as a child process against a temporary vault, e-mail goes to a real SMTP server (smtp-server on
// 127.0.0.1, no TLS, no authentication) and webhooks to a real HTTP server that checks Standard
// Webhooks signatures. Time is moved with AFTERWORD_FAKE_NOW (+ AFTERWORD_ALLOW_FAKE_CLOCK=1).
//
// Spawning the CLI costs 0.3–1 s, so one configured vault is made once and copied (a closed
// vault is a directory) for each scenario, and scenarios run side by side in two phases: first
// the full escalation (the only one that delivers to the recipient) with the tests that send no
// mail; then the rest, each with its own owner address so its mails can be told apart.
import { cp, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRecoveryKey } from '../../core/crypto/recovery-key.js';
import type { StatusReport } from '../../core/schedule/status.js';
import {
  CliVault,
  TempDirs,
  assertCliBuilt,
  describeResult,
  parseJsonStdout,
  useWeakTestKdf,
  type CliResult,
} from './test-support/run-cli.js';
import { SmtpSink, type ReceivedMail } from './test-support/smtp-sink.js';
import { ON_OWN_NETWORK, WebhookSink, closedPort, verifyStandardWebhook } from './test-support/webhook-sink.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** Margin added to every due time. */
const SLACK = 30_000;
const T0 = Date.parse('2031-03-03T09:00:00.000Z');

const OWNER = 'owner@example.org';
const ALICE = 'alice@example.org';
const FROM = 'afterword@example.org';
const BODY = 'Dear Alice, the spare key is under the blue flower pot.';
const INTERVAL = 30 * MIN;
const WAITS = [1 * MIN, 2 * MIN, 3 * MIN, 4 * MIN, 5 * MIN];
const LEVELS = ['1m:desktop+email', '2m:email+webhook:phone', '3m:email+desktop', '4m:email', '5m:email'];
/** Outbox rows each level's warning makes (desktop, email, webhook:phone). */
const ROWS_PER_LEVEL = [2, 2, 2, 1, 1];
const DELAY = 5 * MIN;
/** Per-test timeout: a scenario is 10–35 CLI runs, each up to a few seconds on a loaded machine. */
const LONG = 240_000;

interface TickJson {
  tick: {
    at: number;
    clockJumpMs: number;
    transitions: { planId: string; from: string; to: string; reason: string }[];
  };
  drain: { attempted: number; sent: number; retrying: number; failed: number };
}
interface SimulateJson {
  planId: string;
  state: string;
  timeline: { at: string; event: string; level: number }[];
}
interface TransitionsJson {
  ok: boolean;
  plans: { planId: string; from: string; to: string; reason: string }[];
}

useWeakTestKdf();
const temp = new TempDirs();
const smtp = new SmtpSink();
const hooks = new WebhookSink();

let base: CliVault;
let recoveryKey: string;
let phoneSecret: string;
let planId: string;
let messageId: string;
let aliceId: string;
/** Copies of the configured vault, made before any test runs (a copy taken while a test writes could be torn). */
const copies = new Map<string, CliVault>();

/**
 * The command's clock stands at `at` (AFTERWORD_FAKE_CLOCK_FROZEN): a clock that ran on from `at`
 * would let a command slowed by a loaded machine record a receipt later than the `at` of the
 * next command, which then finds nothing due yet.
 */
const fake = (at: number): Record<string, string> => ({
  AFTERWORD_ALLOW_FAKE_CLOCK: '1',
  AFTERWORD_FAKE_NOW: new Date(at).toISOString(),
  AFTERWORD_FAKE_CLOCK_FROZEN: '1',
});

const SCENARIOS = [
  'full',
  'checkin',
  'pause',
  'stop',
  'channels',
  'test-send',
  'unattended',
  'clock',
  'plans',
] as const;

function copyOfBase(label: (typeof SCENARIOS)[number]): CliVault {
  const copy = copies.get(label);
  if (!copy) throw new Error(`no copy ${label}`);
  return copy;
}

/**
 * Scenarios that run side by side get their own owner address, so each knows its warnings and
 * test mails by RCPT TO. (Copies share every id, so idempotency keys cannot tell them apart.)
 */
async function ownOwner(v: CliVault, label: string): Promise<string> {
  const address = `owner-${label}@example.org`;
  await v.json(['owner', 'set', '--email', address], fake(T0 - 5 * MIN));
  return address;
}

const tick = (v: CliVault, at: number): Promise<TickJson> => v.json<TickJson>(['tick'], fake(at));
const status = (v: CliVault, at: number): Promise<StatusReport> => v.json<StatusReport>(['status'], fake(at));
const planOf = (s: StatusReport) => {
  const found = s.plans.find((p) => p.id === planId);
  if (!found) throw new Error(`plan ${planId} missing from status: ${JSON.stringify(s.plans)}`);
  return found;
};
const toStates = (r: TickJson): string[] => r.tick.transitions.filter((t) => t.planId === planId).map((t) => t.to);

function expectCode(result: CliResult, code: number): void {
  expect(result.code, describeResult(result)).toBe(code);
}

const keyOf = (m: ReceivedMail): string => m.idempotencyKey ?? '';
const warningLevel = (m: ReceivedMail): number | null => {
  const match = /^warning:[^:]+:\d+:(\d):email$/.exec(keyOf(m));
  return match ? Number(match[1]) : null;
};

/** Drives a fresh copy from `created` to `waiting(level)`; returns when the last warning was issued. */
async function escalateTo(v: CliVault, level: number): Promise<{ lastWarningAt: number }> {
  expect(toStates(await tick(v, T0))).toEqual(['scheduled']);
  let t = T0 + INTERVAL + SLACK;
  let lastWarningAt = t;
  for (let n = 1; n <= level; n++) {
    expect(toStates(await tick(v, t))).toEqual([`warning(${n})`]);
    lastWarningAt = t;
    expect(toStates(await tick(v, t + 5_000))).toEqual([`waiting(${n})`]);
    t += WAITS[n - 1]! + SLACK;
  }
  return { lastWarningAt };
}

beforeAll(async () => {
  assertCliBuilt();
  await Promise.all([smtp.start(), hooks.start()]);
  base = await CliVault.create(temp, 'engine-base');
  const at = fake(T0 - 10 * MIN);
  recoveryKey = (await base.json<{ recoveryKey: string }>(['init'], at)).recoveryKey;
  await base.json(['owner', 'set', '--email', OWNER, '--name', 'Olivia Owner'], at);
  await base.json(
    ['channel', 'smtp', '--host', '127.0.0.1', '--port', String(smtp.port), '--tls', 'none', '--from', FROM],
    at,
  );
  phoneSecret = (
    await base.json<{ id: string; secret: string }>(
      ['channel', 'webhook', 'add', '--name', 'phone', '--url', hooks.url('/phone'), ON_OWN_NETWORK],
      at,
    )
  ).secret;
  aliceId = (await base.json<{ id: string }>(['recipient', 'add', '--name', 'Alice', '--email', ALICE], at)).id;
  planId = (
    await base.json<{ id: string }>(
      ['plan', 'add', '--name', 'Quick', '--interval', '30m', ...LEVELS.flatMap((l) => ['--level', l])],
      at,
    )
  ).id;
  messageId = (
    await base.json<{ id: string }>(
      ['message', 'add', '--title', 'For Alice', '--body', BODY, '--to', aliceId, '--plan', planId, '--delay', '5m'],
      at,
    )
  ).id;
  for (const label of SCENARIOS) {
    const root = await temp.make(label);
    await cp(base.root, root, { recursive: true });
    copies.set(label, new CliVault(root));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([smtp.stop(), hooks.stop()]);
  await temp.cleanup();
});

// Phase 1, side by side: the full escalation (the only test that delivers to Alice) and the
// tests that send no mail at all.
describe('escalation, validation, clock, unattended (run side by side)', () => {
  it.concurrent(
    'refuses an interval under a minute, four levels and an unknown channel (exit 1), and creates nothing',
    async () => {
      const five = (first: string): string[] => [first, ...LEVELS.slice(1)].flatMap((l) => ['--level', l]);
      const [seconds, levelSeconds, four, unknown] = await Promise.all([
        base.run(['plan', 'add', '--name', 'Bad', '--interval', '30s', ...five(LEVELS[0]!)]),
        base.run(['plan', 'add', '--name', 'Bad', '--interval', '30m', ...five('30s:desktop')]),
        base.run([
          'plan',
          'add',
          '--name',
          'Bad',
          '--interval',
          '30m',
          ...LEVELS.slice(0, 4).flatMap((l) => ['--level', l]),
        ]),
        base.run(['plan', 'add', '--name', 'Bad', '--interval', '30m', ...five('1m:pager')]),
      ]);
      expectCode(seconds, 1);
      expect(seconds.stderr).toMatch(/--interval: .*one minute/);
      expectCode(levelSeconds, 1);
      expect(levelSeconds.stderr).toMatch(/level "30s:desktop": .*one minute/);
      expectCode(four, 1);
      expect(four.stderr).toMatch(/exactly 5 levels; 4 given/);
      expectCode(unknown, 1);
      expect(unknown.stderr).toMatch(/unknown channel "pager"/);
      const plans = await base.json<{ name: string }[]>(['plan', 'list']);
      expect(plans.map((p) => p.name).sort()).toEqual(['Default', 'Quick']);
    },
    LONG,
  );

  it.concurrent(
    'plan show, edit and rm: the plan as stored, changes to it, and what removing refuses',
    async () => {
      const v = copyOfBase('plans');
      type PlanJson = {
        id: string;
        name: string;
        isDefault: boolean;
        intervalMs: number;
        interval: string;
        levels: { wait: string; channels: string[] }[];
      };
      const shown = await v.json<PlanJson>(['plan', 'show', planId]);
      expect(shown).toMatchObject({
        id: planId,
        name: 'Quick',
        isDefault: false,
        intervalMs: INTERVAL,
        interval: '30m',
      });
      expect(shown.levels.map((l) => `${l.wait}:${l.channels.join('+')}`)).toEqual(LEVELS);
      const text = await v.run(['plan', 'show', planId]);
      expect(text.stdout).toMatch(/^Quick \(pln_\w+\)/);
      expect(text.stdout).toContain('Check in every 30m');
      expectCode(await v.run(['plan', 'show', 'pln_doesnotexist00000']), 4);

      const nothing = await v.run(['plan', 'edit', planId]);
      expectCode(nothing, 1);
      expect(nothing.stderr).toMatch(/nothing to change/);
      await v.json(['plan', 'edit', planId, '--name', 'Quicker', '--interval', '2h']);
      expect(await v.json<PlanJson>(['plan', 'show', planId])).toMatchObject({
        name: 'Quicker',
        intervalMs: 2 * 60 * MIN,
      });

      // Refused: a plan a message uses, and the default plan. A plan nobody uses goes.
      const [inUse, defaultPlan] = await Promise.all([
        v.run(['plan', 'rm', planId]),
        v.json<PlanJson[]>(['plan', 'list']),
      ]);
      expectCode(inUse, 1);
      expect(inUse.stderr).toMatch(/used by 1 message/);
      const defaultRm = await v.run(['plan', 'rm', defaultPlan.find((p) => p.isDefault)!.id]);
      expectCode(defaultRm, 1);
      expect(defaultRm.stderr).toMatch(/default plan cannot be removed/);
      const spare = await v.json<{ id: string }>([
        'plan',
        'add',
        '--name',
        'Spare',
        '--interval',
        '1d',
        ...LEVELS.flatMap((l) => ['--level', l]),
      ]);
      expect(await v.json(['plan', 'rm', spare.id])).toMatchObject({ id: spare.id, removed: true });
      expectCode(await v.run(['plan', 'show', spare.id]), 4);
      expect((await v.json<PlanJson[]>(['plan', 'list'])).map((p) => p.name).sort()).toEqual(['Default', 'Quicker']);
    },
    LONG,
  );

  it.concurrent(
    'plan simulate: five warnings, then delivery, at the plan offsets',
    async () => {
      const [asJson, asText] = await Promise.all([
        base.json<SimulateJson>(['plan', 'simulate', planId], fake(T0)),
        base.run(['plan', 'simulate', planId], fake(T0)),
      ]);
      expect(asJson).toMatchObject({ planId, state: 'created' });
      const events = asJson.timeline.map((t) => t.event);
      expect(events).toEqual(['warning 1', 'warning 2', 'warning 3', 'warning 4', 'warning 5', 'messages delivered']);
      const at = asJson.timeline.map((t) => Date.parse(t.at));
      // "now" is T0 (the command's clock stands still).
      expect(at[0]! - T0).toBe(INTERVAL);
      for (let i = 1; i < 5; i++) expect(at[i]! - at[i - 1]!).toBe(WAITS[i - 1]);
      // The delivery comes after the final wait plus the message's delivery delay.
      expect(at[5]! - at[4]!).toBe(WAITS[4]! + DELAY);

      expectCode(asText, 0);
      const lines = asText.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/If you stop checking in now \(Quick\)/);
      expect(lines.slice(1).map((l) => l.trim().replace(/^\S+\s+/, ''))).toEqual(events);
      expect(asText.stdout).toContain(new Date(at[5]!).toISOString().slice(0, 16)); // the delivery, to the minute
    },
    LONG,
  );

  it.concurrent(
    'climbs warning(1)…waiting(5), triggers, delivers after the delay and ends in sent',
    async () => {
      const v = copyOfBase('full');
      const mark = smtp.mails.length;
      const hookMark = hooks.requests.length;

      expect(toStates(await tick(v, T0))).toEqual(['scheduled']);
      expect(planOf(await status(v, T0 + 1_000)).state).toBe('scheduled');

      let t = T0 + INTERVAL + SLACK;
      for (let level = 1; level <= 5; level++) {
        const issued = await tick(v, t);
        expect(toStates(issued)).toEqual([`warning(${level})`]);
        expect(issued.drain).toMatchObject({ sent: ROWS_PER_LEVEL[level - 1], failed: 0, retrying: 0 });
        // (status while a warning is out: checked at the first and last level, to spare spawns)
        if (level === 1 || level === 5)
          expect(planOf(await status(v, t + 1_000))).toMatchObject({ state: `warning(${level})`, level });
        expect(toStates(await tick(v, t + 5_000))).toEqual([`waiting(${level})`]);
        const waiting = planOf(await status(v, t + 6_000));
        expect(waiting.state).toBe(`waiting(${level})`);
        expect(waiting.nextEvent).toBe(level < 5 ? `warning ${level + 1}` : 'messages delivered');
        if (level === 1) {
          // Before the level's wait is over, a tick changes nothing and sends nothing.
          const early = await tick(v, t + 20_000);
          expect(early.tick.transitions).toEqual([]);
          expect(early.drain.attempted).toBe(0);
        }
        t += WAITS[level - 1]! + SLACK;
      }

      const triggered = await tick(v, t);
      expect(toStates(triggered)).toEqual(['triggered']);
      expect(triggered.drain.sent).toBe(0); // the message waits for its 5m delivery delay
      const [whileDelayed, simulated] = await Promise.all([
        status(v, t + 1_000),
        v.json<SimulateJson>(['plan', 'simulate', planId], fake(t + 1_000)),
      ]);
      expect(simulated).toMatchObject({ state: 'triggered', timeline: [] });
      expect(planOf(whileDelayed).state).toBe('triggered');
      expect(whileDelayed.outbox.pending).toBe(1);
      expect(smtp.since(mark).filter((m) => m.rcptTo.includes(ALICE))).toEqual([]);

      t += DELAY + SLACK;
      const delivered = await tick(v, t);
      expect(delivered.drain).toMatchObject({ sent: 1, failed: 0 });
      expect(toStates(await tick(v, t + 5_000))).toEqual(['sent']);
      const [final, list] = await Promise.all([
        status(v, t + 6_000),
        v.json<{ items: { id: string; status: string }[] }>(['message', 'list'], fake(t + 6_000)),
      ]);
      expect(planOf(final).state).toBe('sent');
      expect(final.outbox).toMatchObject({ pending: 0, sending: 0, failed: 0, sent: 9 });
      expect(final.failures).toEqual([]);
      expect(list.items.find((m) => m.id === messageId)?.status).toBe('sent');

      // The SMTP server got the five warnings, in order, for the owner only; then one message for
      // Alice. (Nothing else in this phase sends mail.)
      const mails = smtp.since(mark);
      const warnings = mails.filter((m) => warningLevel(m) !== null);
      expect(warnings.map(warningLevel)).toEqual([1, 2, 3, 4, 5]);
      for (const w of warnings) {
        expect(w.rcptTo).toEqual([OWNER]);
        expect(w.mailFrom).toBe(FROM);
        expect(w.text).not.toContain(BODY); // a warning never carries a message
      }
      expect(warnings[0]!.subject).toBe('Afterword: are you there? (warning 1 of 5)');
      expect(warnings[4]!.subject).toMatch(/FINAL warning/);
      const deliveries = mails.filter((m) => m.rcptTo.includes(ALICE));
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!).toMatchObject({ rcptTo: [ALICE], subject: 'For Alice' });
      expect(deliveries[0]!.text).toContain(BODY);
      expect(deliveries[0]!.idempotencyKey).toBe(`delivery:${planId}:1:${messageId}:${aliceId}`);
      expect(mails).toHaveLength(6);
      expect(new Set(mails.map((m) => m.messageId)).size).toBe(6);

      // Level 2 also went to the phone webhook, signed.
      const calls = hooks.requests.slice(hookMark);
      expect(calls.map((c) => c.path)).toEqual(['/phone']);
      const event = verifyStandardWebhook<{ type: string; data: { level: number; planId: string; final: boolean } }>(
        calls[0]!,
        phoneSecret,
      );
      expect(event).toMatchObject({ type: 'afterword.warning', data: { level: 2, planId, final: false } });
    },
    LONG,
  );

  it.concurrent(
    'AFTERWORD_FAKE_NOW is ignored without AFTERWORD_ALLOW_FAKE_CLOCK=1, and warns on stderr with it',
    async () => {
      // Its own copy: more than five password unlocks of one vault at once trip the unlock
      // backoff (see the report on UnlockGuard), and the tests beside this one use `base`.
      const v = copyOfBase('clock');
      const fakeNow = new Date(T0).toISOString();
      const started = Date.now();
      const [ignored, notOne, honoured] = await Promise.all([
        v.run(['status', '--json'], { AFTERWORD_FAKE_NOW: fakeNow }),
        v.run(['status', '--json'], { AFTERWORD_FAKE_NOW: fakeNow, AFTERWORD_ALLOW_FAKE_CLOCK: 'true' }),
        v.run(['status', '--json'], fake(T0)),
      ]);
      const finished = Date.now();
      for (const real of [ignored, notOne]) {
        expectCode(real, 0);
        const now = parseJsonStdout<StatusReport>(real).now;
        expect(now).toBeGreaterThanOrEqual(started);
        expect(now).toBeLessThanOrEqual(finished);
        expect(real.stderr).not.toMatch(/fake clock/);
      }
      expectCode(honoured, 0);
      expect(parseJsonStdout<StatusReport>(honoured).now).toBe(T0);
      expect(honoured.stderr).toMatch(/warning: using a fake clock \(AFTERWORD_FAKE_NOW=2031-03-03T09:00:00\.000Z\)/);
    },
    LONG,
  );

  it.concurrent(
    'tick without a password needs unattended delivery: exit 1 with a clear message before, works after enable',
    async () => {
      const v = copyOfBase('unattended');
      const noPassword = { AFTERWORD_PASSWORD: undefined, ...fake(T0) };

      const refused = await v.run(['tick'], noPassword);
      expectCode(refused, 1);
      expect(refused.stderr).toMatch(/no password given: set AFTERWORD_PASSWORD or run the command in a terminal/);

      expect(await v.json(['unattended', 'enable'])).toEqual({ enabled: true });
      const keyFiles = await readdir(v.keyDir);
      expect(keyFiles.length).toBeGreaterThan(0);
      for (const file of keyFiles) expect((await stat(join(v.keyDir, file))).mode & 0o077).toBe(0);

      const [state, ticked, list] = await Promise.all([
        v.json<{ enabled: boolean; backend: string | null }>(['unattended', 'status'], {
          AFTERWORD_PASSWORD: undefined,
        }),
        v.json<TickJson>(['tick'], noPassword),
        v.run(['message', 'list'], noPassword),
      ]);
      expect(state.enabled).toBe(true);
      expect(toStates(ticked)).toEqual(['scheduled']);
      // The device key runs the scheduler; reading content still needs the password.
      expectCode(list, 1);
      expect(list.stderr).toMatch(/no password given/);

      await v.json(['unattended', 'disable']);
      const again = await v.run(['tick'], noPassword);
      expectCode(again, 1);
      expect(again.stderr).toMatch(/no password given/);
    },
    LONG,
  );

  it.concurrent(
    'init --unattended: tick runs without the password from the start',
    async () => {
      const v = await CliVault.create(temp, 'init-unattended');
      const created = await v.json<{ recoveryKey: string }>(['init', '--unattended']);
      expect(created.recoveryKey).toMatch(/^[0-9A-Z]{6}(-[0-9A-Z]{6}){5}$/);
      const [state, ticked] = await Promise.all([
        v.json<{ enabled: boolean }>(['unattended', 'status'], { AFTERWORD_PASSWORD: undefined }),
        v.run(['tick', '--json'], { AFTERWORD_PASSWORD: undefined }),
      ]);
      expect(state.enabled).toBe(true);
      expectCode(ticked, 0);
      expect(parseJsonStdout<TickJson>(ticked).tick.transitions).toEqual([]);
    },
    LONG,
  );
});

// Phase 2, side by side: scenarios that send mail only to their own owner address (none of
// them delivers to Alice, so "Alice got nothing" holds for the whole phase).
describe('check-in, pause, stop, channels, test-send (run side by side)', () => {
  it.concurrent(
    'a check-in at level 3 returns the plan to scheduled; later ticks send nothing',
    async () => {
      const v = copyOfBase('checkin');
      const owner = await ownOwner(v, 'checkin');
      const mark = smtp.mails.length;
      const mine = (): ReceivedMail[] => smtp.since(mark).filter((m) => m.rcptTo.includes(owner));
      const { lastWarningAt } = await escalateTo(v, 3);
      expect(mine().map(warningLevel)).toEqual([1, 2, 3]);

      const checkinAt = lastWarningAt + 10_000; // early in level 3's wait
      const checkin = await v.json<TransitionsJson>(['checkin'], fake(checkinAt));
      expect(checkin.plans.filter((p) => p.planId === planId)).toMatchObject([
        { from: 'waiting(3)', to: 'scheduled', reason: 'checked in' },
      ]);

      // Past the moment the old cycle would have delivered (levels 4 and 5 and the delay), but
      // inside the new check-in interval: nothing moves and nothing is sent.
      const later = checkinAt + WAITS[2]! + WAITS[3]! + WAITS[4]! + DELAY + SLACK;
      expect(later).toBeLessThan(checkinAt + INTERVAL);
      const quiet = await tick(v, later);
      expect(quiet.tick.transitions).toEqual([]);
      expect(quiet.drain.attempted).toBe(0);
      const s = await status(v, later + 1_000);
      expect(planOf(s)).toMatchObject({ state: 'scheduled', level: 0 });
      expect(planOf(s).nextEventAt! - checkinAt).toBe(INTERVAL);
      expect(s.lastCheckinAt).not.toBeNull();
      expect(s.openPrompts).toEqual([]); // the desktop prompts were answered by the check-in
      expect(mine().map(warningLevel)).toEqual([1, 2, 3]);
      expect(smtp.since(mark).filter((m) => m.rcptTo.includes(ALICE))).toEqual([]);
    },
    LONG,
  );

  it.concurrent(
    'pause holds every plan until resume; resume starts the interval again',
    async () => {
      const v = copyOfBase('pause');
      const owner = await ownOwner(v, 'pause');
      const mark = smtp.mails.length;
      const mine = (): ReceivedMail[] => smtp.since(mark).filter((m) => m.rcptTo.includes(owner));
      expect(toStates(await tick(v, T0))).toEqual(['scheduled']);

      const [past, tooFar, paused] = await Promise.all([
        v.run(['pause', '--until', new Date(T0 - DAY).toISOString()], fake(T0 + MIN)),
        v.run(['pause', '--until', '+275760-09-13T00:00:00Z'], fake(T0 + MIN)),
        v.json<TransitionsJson & { until: string }>(
          ['pause', '--until', new Date(T0 + 2 * DAY).toISOString()],
          fake(T0 + MIN),
        ),
      ]);
      expectCode(past, 1);
      expect(past.stderr).toMatch(/--until must be in the future/);
      expectCode(tooFar, 1);
      expect(tooFar.stderr).toMatch(/at most ten years/);
      expect(paused.plans.filter((p) => p.planId === planId)).toMatchObject([{ from: 'scheduled', to: 'paused' }]);

      // A day later, long past the 30m interval: still paused, nothing sent.
      const dayLater = T0 + DAY;
      const held = await tick(v, dayLater);
      expect(held.tick.transitions).toEqual([]);
      expect(held.drain.attempted).toBe(0);
      const [s, simulated] = await Promise.all([
        status(v, dayLater + 1_000),
        v.json<SimulateJson>(['plan', 'simulate', planId], fake(dayLater + 1_000)),
      ]);
      expect(planOf(s)).toMatchObject({ state: 'paused', nextEvent: 'pause ends', nextEventAt: T0 + 2 * DAY });
      // The timeline starts when the pause ends, not now.
      expect(simulated.state).toBe('paused');
      expect(Date.parse(simulated.timeline[0]!.at)).toBe(T0 + 2 * DAY + INTERVAL);

      const resumeAt = dayLater + MIN;
      const resumed = await v.json<TransitionsJson>(['resume'], fake(resumeAt));
      expect(resumed.plans.filter((p) => p.planId === planId)).toMatchObject([{ from: 'paused', to: 'scheduled' }]);
      expect(mine()).toEqual([]);

      const warned = await tick(v, resumeAt + INTERVAL + SLACK);
      expect(toStates(warned)).toEqual(['warning(1)']);
      expect(mine().map(warningLevel)).toEqual([1]);
    },
    LONG,
  );

  it.concurrent(
    'stop needs the right recovery key (else exit 2); stopped plans send nothing, even years later, until resume',
    async () => {
      const v = copyOfBase('stop');
      const owner = await ownOwner(v, 'stop');
      const mark = smtp.mails.length;
      const mine = (): ReceivedMail[] => smtp.since(mark).filter((m) => m.rcptTo.includes(owner));
      expect(toStates(await tick(v, T0))).toEqual(['scheduled']);

      const at = T0 + MIN;
      const [wrong, typo] = await Promise.all([
        v.run(['stop', '--recovery-key', generateRecoveryKey().display], fake(at)),
        v.run(['stop', '--recovery-key', recoveryKey.slice(0, -1) + (recoveryKey.endsWith('0') ? '1' : '0')], fake(at)),
      ]);
      expectCode(wrong, 2);
      expect(wrong.stderr).toMatch(/does not belong to this vault/);
      expectCode(typo, 2);

      // The refused attempts changed nothing: the plan is still scheduled when the right key stops it.
      const stopped = await v.json<TransitionsJson>(['stop', '--recovery-key', recoveryKey], fake(at + 2_000));
      expect(stopped.plans.filter((p) => p.planId === planId)).toMatchObject([{ from: 'scheduled', to: 'stopped' }]);

      const farFuture = T0 + 3 * 365 * DAY;
      const nothing = await tick(v, farFuture);
      expect(nothing.tick.transitions).toEqual([]);
      expect(nothing.drain.attempted).toBe(0);
      const [s, simulated, simulatedText] = await Promise.all([
        status(v, farFuture + 1_000),
        v.json<SimulateJson>(['plan', 'simulate', planId], fake(farFuture + 1_000)),
        v.run(['plan', 'simulate', planId], fake(farFuture + 1_000)),
      ]);
      expect(planOf(s)).toMatchObject({ state: 'stopped', nextEventAt: null, deliveryAt: null });
      expect(simulated).toMatchObject({ state: 'stopped', timeline: [] });
      expect(simulatedText.stdout).toMatch(/Quick is stopped: nothing is warned or delivered until `afterword resume`/);
      expect(mine()).toEqual([]);

      const resumed = await v.json<TransitionsJson>(['resume'], fake(farFuture + MIN));
      expect(resumed.plans.filter((p) => p.planId === planId)).toMatchObject([{ from: 'stopped', to: 'scheduled' }]);
      expect(toStates(await tick(v, farFuture + MIN + INTERVAL + SLACK))).toEqual(['warning(1)']);
      expect(mine().map(warningLevel)).toEqual([1]);
      expect(smtp.since(mark).filter((m) => m.rcptTo.includes(ALICE))).toEqual([]);
    },
    LONG,
  );

  it.concurrent(
    'channel test: e-mail reaches the SMTP server, a webhook gets a valid signature, a closed port fails with the reason',
    async () => {
      const v = copyOfBase('channels');
      const owner = await ownOwner(v, 'channels');
      const mark = smtp.mails.length;
      const hookMark = hooks.requests.length;

      const email = await v.run(['channel', 'test', 'email']);
      expectCode(email, 0);
      expect(email.stdout).toMatch(/^Sent\. The server answered: 250/);
      await smtp.waitFor((all) => all.slice(mark).some((m) => m.rcptTo.includes(owner)));
      const mine = smtp.since(mark).filter((m) => m.rcptTo.includes(owner));
      expect(mine).toHaveLength(1);
      expect(mine[0]!).toMatchObject({ rcptTo: [owner], mailFrom: FROM, subject: 'Afterword: test message' });

      const phone = await v.json<{ ok: boolean; response: string }>(['channel', 'test', 'phone']);
      expect(phone).toMatchObject({ ok: true, response: 'HTTP 200: ok' });
      // Other scenarios may warn through /phone meanwhile; the test event is the one of type afterword.test.
      const tests = hooks.requests
        .slice(hookMark)
        .filter((c) => (JSON.parse(c.body) as { type: string }).type === 'afterword.test');
      expect(tests).toHaveLength(1);
      expect(tests[0]!.path).toBe('/phone');
      expect(verifyStandardWebhook<{ type: string }>(tests[0]!, phoneSecret)).toMatchObject({ type: 'afterword.test' });
      // A tampered body, or another secret, does not verify.
      expect(() =>
        verifyStandardWebhook({ ...tests[0]!, body: tests[0]!.body.replace('test', 'tset') }, phoneSecret),
      ).toThrow();
      expect(() => verifyStandardWebhook(tests[0]!, `whsec_${Buffer.alloc(24, 7).toString('base64')}`)).toThrow();

      const port = await closedPort();
      await v.json([
        'channel',
        'webhook',
        'add',
        '--name',
        'dead',
        '--url',
        `http://127.0.0.1:${port}/hook`,
        ON_OWN_NETWORK,
      ]);
      const [deadJson, deadText, missing] = await Promise.all([
        v.run(['channel', 'test', 'dead', '--json']),
        v.run(['channel', 'test', 'dead']),
        v.run(['channel', 'test', 'nosuch']),
      ]);
      expectCode(deadJson, 1);
      expect(parseJsonStdout(deadJson)).toMatchObject({
        ok: false,
        errorCode: 'WEBHOOK_UNREACHABLE',
        response: expect.stringMatching(/ECONNREFUSED/),
      });
      expectCode(deadText, 1);
      expect(deadText.stdout).toMatch(/^Failed \(WEBHOOK_UNREACHABLE\): .*ECONNREFUSED/);
      expectCode(missing, 4);

      await v.json(['channel', 'webhook', 'rm', 'dead']);
      const channels = await v.json<{
        email: { host: string; port: number; tls: string } | null;
        webhooks: { name: string }[];
      }>(['channel', 'list']);
      expect(channels.email).toMatchObject({ host: '127.0.0.1', port: smtp.port, tls: 'none' });
      expect(channels.webhooks.map((w) => w.name)).toEqual(['phone']);
    },
    LONG,
  );

  it.concurrent(
    'test-send delivers the message to the owner only',
    async () => {
      const v = copyOfBase('test-send');
      const owner = await ownOwner(v, 'test-send');
      const mark = smtp.mails.length;
      const [sent, missing] = await Promise.all([
        v.json<{ drain: { sent: number }; error: string | null }>(['test-send', messageId]),
        v.run(['test-send', 'msg_doesnotexist00000']),
      ]);
      expect(sent).toMatchObject({ drain: { sent: 1 }, error: null });
      expectCode(missing, 4);
      await smtp.waitFor((all) => all.slice(mark).some((m) => m.rcptTo.includes(owner)));
      const mine = smtp.since(mark).filter((m) => m.rcptTo.includes(owner));
      expect(mine).toHaveLength(1);
      expect(mine[0]!).toMatchObject({ rcptTo: [owner], subject: '[TEST] For Alice' });
      expect(mine[0]!.text).toContain(BODY);
      // A test send is not the delivery: the plan is untouched and Alice got nothing.
      expect(planOf(await status(v, T0)).state).toBe('created');
      expect(smtp.since(mark).some((m) => m.rcptTo.includes(ALICE))).toBe(false);

      // With the relay unreachable: this send's own error, and it is not sent later behind the owner's back.
      const port = await closedPort();
      await v.json(['channel', 'smtp', '--host', '127.0.0.1', '--port', String(port), '--tls', 'none', '--from', FROM]);
      const failed = await v.run(['test-send', messageId]);
      expectCode(failed, 1);
      expect(failed.stdout).toMatch(
        /^Not sent: SMTP_CONNECTION: .*ECONNREFUSED.* \(not retried: send the test again once this is fixed\)/,
      );
      expect((await status(v, T0)).outbox).toMatchObject({ pending: 0, sending: 0 });
    },
    LONG,
  );
});
