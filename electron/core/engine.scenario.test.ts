// End-to-end scenarios of the warning engine, in process: a real vault (SQLite file + encrypted
// blobs in a temp dir), the real Scheduler and OutboxWorker, the real EmailSender talking to a
// loopback smtp-server, the real WebhookSender posting to a loopback HTTP receiver that checks
// signatures, and a ManualClock for time.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../shared/durations.js';
import type { Channel, PlanSpec } from '../../shared/plans.js';
import { ManualClock } from './test-support/manual-clock.js';
import type { ChannelSender } from './delivery/delivery-types.js';
import { EmailSender, stableMessageId, type SmtpSettings } from './delivery/email-sender.js';
import type { OutboxRow } from './delivery/outbox.js';
import { SETTINGS } from './delivery/owner-settings.js';
import { webhookMessageId } from './delivery/webhook-sender.js';
import { generateWebhookSecret } from './delivery/webhook-secret.js';
import { createEngine, type Engine, type EnginePorts } from './engine.js';
import { PlanStore } from './schedule/plan-store.js';
import type { TickReport } from './schedule/scheduler.js';
import { readStatus } from './schedule/status.js';
import { createVaultServices, type VaultServices } from './services.js';
import { countByMessageId, parseMail, startSmtpServer, type TestSmtpServer } from './test-support/smtp-server.js';
import { bytesOf, createTestVault, T0, TEST_PASSWORD, type TestVault } from './test-support/vault-fixture.js';
import { ON_OWN_NETWORK, startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver.js';
import { Vault } from './vault/vault.js';

const MIN = MINUTE_MS;
const OWNER = 'owner@example.org';
const TITLE = 'For Anna: the house keys';
const BODY = 'Dear Anna,\nthe keys are with the neighbour.\n';
const JUMP_REASON = 'wall clock jumped; wait restarted';

/** A short plan: check in every 10 min; five levels of 5 min. */
const CHANNELS: Channel[][] = [
  ['desktop'],
  ['desktop', 'email'],
  ['email', 'webhook'],
  ['email', 'webhook'],
  ['email', 'webhook'],
];
const planSpec = (intervalMs = 10 * MIN, waitMs = 5 * MIN): PlanSpec => ({
  name: 'Family',
  intervalMs,
  levels: CHANNELS.map((channels) => ({ waitMs, channels })),
});

interface WorldOptions {
  intervalMs?: number;
  waitMs?: number;
  /** The e-mail recipient's address (null: none). */
  emailRecipient?: string | null;
  webhookRecipient?: boolean;
  ports?: Partial<EnginePorts>;
}

interface World {
  tv: TestVault;
  clock: ManualClock;
  services: VaultServices;
  engine: Engine;
  smtp: TestSmtpServer;
  hooks: WebhookReceiver;
  smtpSettings: SmtpSettings;
  planId: string;
  messageId: string;
  emailRecipientId: string | null;
  webhookRecipientId: string | null;
  attachment: Buffer;
  signingSecret: string;
  ticks: TickReport[];
}

const worlds: World[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const w of worlds.splice(0)) {
    await w.engine.close();
    await w.smtp.close();
    await w.hooks.close();
    await w.tv.dispose();
  }
  for (const c of cleanups.splice(0)) await c();
});

async function makeWorld(options: WorldOptions = {}): Promise<World> {
  const tv = await createTestVault({ prefix: 'afterword-engine-' });
  const { services, clock } = tv;
  const smtp = await startSmtpServer();
  const hooks = await startWebhookReceiver();
  const smtpSettings: SmtpSettings = {
    host: '127.0.0.1',
    port: smtp.port,
    tls: 'none',
    user: null,
    password: null,
    from: 'afterword@example.org',
  };
  services.settings.set(SETTINGS.owner, { email: OWNER, name: 'Jo Owner' });
  services.settings.set(SETTINGS.smtp, smtpSettings);
  const ownerSecret = generateWebhookSecret();
  services.webhooks.add('phone', `${hooks.base}/owner`, ownerSecret, ON_OWN_NETWORK);
  hooks.setSecret('/owner', ownerSecret);
  const signingSecret = services.settings.get<string>('deliverySigningSecret')!;
  hooks.setSecret('/family', signingSecret);

  const plan = services.plans.create(planSpec(options.intervalMs, options.waitMs));
  const emailAddress = options.emailRecipient === undefined ? 'anna@example.org' : options.emailRecipient;
  const emailRecipientId = emailAddress
    ? services.recipients.add({ type: 'email', name: 'Anna', contact: emailAddress }).id
    : null;
  const webhookRecipientId =
    options.webhookRecipient === false
      ? null
      : services.recipients.add(
          { type: 'webhook', name: 'Family server', contact: `${hooks.base}/family` },
          ON_OWN_NETWORK,
        ).id;
  const attachment = randomBytes(150 * 1024 + 17);
  const staged = await services.messages.attachments.stage(bytesOf(attachment), 'letter.pdf');
  const messageId = services.messages.create({
    title: TITLE,
    body: BODY,
    planId: plan.id,
    recipientIds: [emailRecipientId, webhookRecipientId].filter((id): id is string => id !== null),
    attachments: [staged],
  });
  const engine = createEngine(services, { clock, ...options.ports });
  const world: World = {
    tv,
    clock,
    services,
    engine,
    smtp,
    hooks,
    smtpSettings,
    planId: plan.id,
    messageId,
    emailRecipientId,
    webhookRecipientId,
    attachment,
    signingSecret,
    ticks: [],
  };
  worlds.push(world);
  return world;
}

/** Advances the clock (both wall and monotonic), then one scheduler pass and a drain. */
async function step(w: World, ms: number): Promise<TickReport> {
  w.clock.advance(ms);
  const { tick } = await w.engine.runOnce('test');
  recordTick(w, tick);
  return tick;
}

function recordTick(w: World, tick: TickReport): void {
  w.ticks.push(tick);
  // At most one transition per plan per tick (a restarted wait after a clock jump is not a step).
  const perPlan = new Map<string, number>();
  for (const t of tick.transitions)
    if (t.reason !== JUMP_REASON) perPlan.set(t.planId, (perPlan.get(t.planId) ?? 0) + 1);
  for (const [planId, n] of perPlan) expect(n, `transitions of ${planId} in one tick`).toBe(1);
}

async function stepUntil(w: World, done: () => boolean, ms = MIN, max = 500): Promise<void> {
  for (let i = 0; i < max && !done(); i++) await step(w, ms);
  expect(done(), 'condition reached').toBe(true);
}

const state = (w: World): string => {
  const rt = new PlanStore(w.tv.vault.db).runtime(w.planId);
  return rt.phase === 'warning' || rt.phase === 'waiting' ? `${rt.phase}(${rt.level})` : rt.phase;
};
const runtime = (w: World) => new PlanStore(w.tv.vault.db).runtime(w.planId);

function sql<T>(w: World, query: string, ...params: unknown[]): T[] {
  return w.tv.vault.db.sqlite.prepare(query).all(...params) as T[];
}

const outbox = (w: World, where = '1=1', ...params: unknown[]): OutboxRow[] =>
  sql<OutboxRow>(w, `SELECT * FROM outbox WHERE ${where} ORDER BY created_at, id`, ...params);

/** When each level of a cycle was issued (rows enqueued) and its receipt (first success). */
function levelTimes(w: World, cycle: number): { level: number; issuedAt: number; receiptAt: number | null }[] {
  const out = [];
  for (let level = 1; level <= 5; level++) {
    const rows = outbox(w, "plan_id = ? AND cycle = ? AND level = ? AND kind = 'warning'", w.planId, cycle, level);
    if (rows.length === 0) continue;
    const sent = rows.filter((r) => r.status === 'sent').map((r) => r.completed_at!);
    out.push({
      level,
      issuedAt: Math.min(...rows.map((r) => r.created_at)),
      receiptAt: sent.length ? Math.min(...sent) : null,
    });
  }
  return out;
}

/** Level n+1 only once level n's wait elapsed after its receipt; delivery only after level 5's. */
function expectWaitsHonoured(w: World, cycle: number, waitMs: number): void {
  const levels = levelTimes(w, cycle);
  expect(levels.map((l) => l.level)).toEqual([1, 2, 3, 4, 5]);
  for (let i = 1; i < levels.length; i++) {
    expect(levels[i - 1]!.receiptAt).not.toBeNull();
    expect(levels[i]!.issuedAt - levels[i - 1]!.receiptAt!, `wait after warning ${i}`).toBeGreaterThanOrEqual(waitMs);
  }
  const deliveries = outbox(w, "plan_id = ? AND cycle = ? AND kind = 'delivery'", w.planId, cycle);
  for (const d of deliveries) expect(d.created_at - levels[4]!.receiptAt!).toBeGreaterThanOrEqual(waitMs);
}

const prompts = (w: World) =>
  sql<{ plan_id: string | null; level: number; at: number; answered_at: number | null; kind: string }>(
    w,
    'SELECT * FROM desktop_prompts ORDER BY id',
  );
const planEvents = (w: World) =>
  sql<{ at: number; from_state: string; to_state: string; reason: string }>(
    w,
    'SELECT * FROM plan_events WHERE plan_id = ? ORDER BY id',
    w.planId,
  );

const mailsTo = (w: World, address: string) => w.smtp.received.filter((m) => m.to.includes(address));

async function ownerWarningLevels(w: World): Promise<number[]> {
  const levels: number[] = [];
  for (const m of mailsTo(w, OWNER)) {
    const text = (await parseMail(m)).text ?? '';
    const match = /This is warning (\d) of 5/.exec(text);
    if (match) levels.push(Number(match[1]));
  }
  return levels;
}

const hookWarnings = (w: World) =>
  w.hooks.received
    .filter((h) => h.path === '/owner' && h.payload?.type === 'afterword.warning')
    .map((h) => (h.payload!.data as { level: number }).level);

// ---------------------------------------------------------------------------------------------

describe('engine scenarios', () => {
  it('full escalation: five levels in order, receipts honoured, then the messages go out, signed and intact', async () => {
    const w = await makeWorld();
    await step(w, 0);
    expect(state(w)).toBe('scheduled');

    await stepUntil(w, () => state(w) === 'sent');

    // Levels on the right channels, in order.
    expect(
      prompts(w)
        .filter((p) => p.level > 0)
        .map((p) => [p.level, p.kind]),
    ).toEqual([
      [1, 'warning'],
      [2, 'warning'],
    ]);
    expect(await ownerWarningLevels(w)).toEqual([2, 3, 4, 5]);
    const ownerMails = mailsTo(w, OWNER);
    const subjects = await Promise.all(ownerMails.map(async (m) => (await parseMail(m)).subject));
    expect(subjects).toEqual([
      'Afterword: are you there? (warning 2 of 5)',
      'Afterword: are you there? (warning 3 of 5)',
      'Afterword: are you there? (warning 4 of 5)',
      expect.stringMatching(/^Afterword: FINAL warning/),
    ]);
    const ownerHooks = w.hooks.received.filter((h) => h.path === '/owner');
    expect(ownerHooks.every((h) => h.verified)).toBe(true);
    expect(hookWarnings(w)).toEqual([3, 4, 5]);
    expect((ownerHooks[2]!.payload!.data as { final: boolean }).final).toBe(true);

    // Each wait timed from the level's receipt; one level per tick.
    expectWaitsHonoured(w, runtime(w).cycle, 5 * MIN);
    expect(planEvents(w).map((e) => e.to_state)).toEqual([
      'scheduled',
      'warning(1)',
      'waiting(1)',
      'warning(2)',
      'waiting(2)',
      'warning(3)',
      'waiting(3)',
      'warning(4)',
      'waiting(4)',
      'warning(5)',
      'waiting(5)',
      'triggered',
      'sent',
    ]);
    const triggeredAt = planEvents(w).find((e) => e.to_state === 'triggered')!.at;
    expect(triggeredAt - T0).toBe(35 * MIN); // 10 min interval + 5 × 5 min, receipts the same minute

    // The e-mail recipient: one mail, attachment byte for byte, stable Message-ID.
    const toAnna = mailsTo(w, 'anna@example.org');
    expect(toAnna).toHaveLength(1);
    const mail = await parseMail(toAnna[0]!);
    expect(mail.subject).toBe(TITLE);
    expect(mail.text).toContain('the keys are with the neighbour');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.filename).toBe('letter.pdf');
    expect(Buffer.compare(mail.attachments[0]!.content, w.attachment)).toBe(0);
    const cycle = runtime(w).cycle;
    expect(toAnna[0]!.messageId).toBe(
      stableMessageId(`delivery:${w.planId}:${cycle}:${w.messageId}:${w.emailRecipientId}`),
    );
    expect(toAnna[0]!.at).toBeGreaterThanOrEqual(Math.max(...ownerMails.map((m) => m.at)));

    // The webhook recipient: signed with the vault's delivery secret, attachment intact.
    const family = w.hooks.received.filter((h) => h.path === '/family');
    expect(family).toHaveLength(1);
    expect(family[0]!.verified).toBe(true);
    expect(family[0]!.headers['webhook-id']).toBe(
      webhookMessageId(`delivery:${w.planId}:${cycle}:${w.messageId}:${w.webhookRecipientId}`),
    );
    const payload = family[0]!.payload!;
    expect(payload.type).toBe('afterword.delivery');
    const data = payload.data as {
      title: string;
      text: string;
      attachments: { name: string; contentBase64?: string }[];
    };
    expect(data.title).toBe(TITLE);
    expect(data.text).toBe(BODY);
    expect(Buffer.compare(Buffer.from(data.attachments[0]!.contentBase64!, 'base64'), w.attachment)).toBe(0);

    // The end state. The default plan (no message uses it) never warned.
    expect(outbox(w, 'plan_id != ?', w.planId)).toEqual([]);
    expect(state(w)).toBe('sent');
    expect(w.services.messages.get(w.messageId).status).toBe('sent');
    expect(outbox(w, "kind = 'delivery'").map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(w.tv.vault.audit.verify()).toEqual([]);

    // Nothing more happens, however long it runs.
    const mails = w.smtp.received.length;
    for (let i = 0; i < 10; i++) await step(w, DAY_MS);
    expect(w.smtp.received.length).toBe(mails);
    expect(state(w)).toBe('sent');
  });

  it('a check-in at level 3 prevents delivery: pending warnings cancelled, plan back to scheduled', async () => {
    const w = await makeWorld({ intervalMs: DAY_MS });
    await step(w, 0);
    await step(w, DAY_MS);
    expect(state(w)).toBe('warning(1)');
    await stepUntil(w, () => state(w) === 'waiting(2)', 5 * MIN);
    // Warning 3 falls due: the scheduler enqueues it, and the owner checks in before it is sent.
    w.clock.advance(5 * MIN);
    recordTick(w, w.engine.scheduler.tick('test'));
    expect(state(w)).toBe('warning(3)');
    const cycle = runtime(w).cycle;
    const pending = outbox(w, "level = 3 AND kind = 'warning'");
    expect(pending.map((r) => [r.channel, r.status]).sort()).toEqual([
      ['email', 'pending'],
      ['webhook:phone', 'pending'],
    ]);
    const reports = w.engine.scheduler.checkIn('cli');
    expect(reports.find((r) => r.planId === w.planId)).toMatchObject({
      from: 'warning(3)',
      to: 'scheduled',
      reason: 'checked in',
    });
    expect(runtime(w)).toMatchObject({
      phase: 'scheduled',
      level: 0,
      cycle: cycle + 1,
      lastCheckinAt: w.clock.now(),
      waitFrom: w.clock.now(),
    });
    expect(outbox(w, "level = 3 AND kind = 'warning'").map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect(prompts(w).every((p) => p.answered_at !== null)).toBe(true);

    // Far beyond the old delivery time (35 min) and well into the new interval: nothing goes out.
    const mailsBefore = w.smtp.received.length;
    for (let i = 0; i < 44; i++) await step(w, 30 * MIN);
    expect(state(w)).toBe('scheduled');
    expect(w.smtp.received.length).toBe(mailsBefore);
    expect(await ownerWarningLevels(w)).toEqual([2]);
    expect(hookWarnings(w)).toEqual([]);
    expect(mailsTo(w, 'anna@example.org')).toEqual([]);
    expect(w.hooks.received.filter((h) => h.path === '/family')).toEqual([]);
    expect(outbox(w, "kind = 'delivery'")).toEqual([]);
    expect(w.services.messages.get(w.messageId).status).toBe('active');
    expect(sql(w, 'SELECT * FROM checkins')).toHaveLength(1);
    expect(sql(w, "SELECT * FROM audit_log WHERE action = 'checkin'")).toHaveLength(1);
  });

  it('the app off for 90 days: all five levels still issued, one per tick, each wait after its receipt', async () => {
    const first = await makeWorld();
    await step(first, 0);
    await step(first, 3 * MIN);
    expect(state(first)).toBe('scheduled');

    // The app is closed (engine and vault), 90 days pass, the app starts again: new process, new guard.
    await first.engine.close();
    const dir = first.tv.vault.dir;
    await first.tv.vault.close();
    first.clock.advance(90 * DAY_MS);
    const vault = await Vault.open(dir, { clock: first.clock });
    await vault.unlock(TEST_PASSWORD);
    const services = createVaultServices(vault, first.clock);
    const tv: TestVault = {
      ...first.tv,
      vault,
      services,
      dispose: async () => {
        if (vault.db.sqlite.open) await vault.close();
        await first.tv.dispose();
      },
    };
    const w: World = { ...first, services, tv, engine: createEngine(services, { clock: first.clock }), ticks: [] };
    worlds.splice(worlds.indexOf(first), 1, w);

    const startedAt = first.clock.now();
    const first_ = await step(w, 0);
    expect(first_.transitions.map((t) => t.to)).toEqual(['warning(1)']);
    await stepUntil(w, () => state(w) === 'sent', MIN);

    const cycle = runtime(w).cycle;
    expectWaitsHonoured(w, cycle, 5 * MIN);
    const levels = levelTimes(w, cycle);
    expect(levels[0]!.issuedAt).toBe(startedAt);
    // Downtime delayed everything; nothing was skipped or compressed: 5 levels × 5 min, one minute of
    // tick latency each for the receipt to be seen.
    const triggered = planEvents(w).find((e) => e.to_state === 'triggered')!.at;
    expect(triggered - startedAt).toBe(25 * MIN);
    expect(
      prompts(w)
        .filter((p) => p.level > 0)
        .map((p) => p.level),
    ).toEqual([1, 2]);
    expect(await ownerWarningLevels(w)).toEqual([2, 3, 4, 5]);
    expect(hookWarnings(w)).toEqual([3, 4, 5]);
    expect(mailsTo(w, 'anna@example.org')).toHaveLength(1);
    // Every tick moved the plan one step at most (recordTick checks it), and there were no jumps.
    expect(w.ticks.every((t) => t.clockJumpMs === 0)).toBe(true);
  });

  it('a +90-day wall-clock jump in a running scheduler restarts the wait; sleep (rebaseClock) counts normally', async () => {
    const w = await makeWorld();
    await step(w, 0);
    await step(w, 4 * MIN);
    expect(state(w)).toBe('scheduled');

    // The wall clock is set 90 days ahead; the monotonic clock says a minute passed.
    w.clock.setWall(w.clock.now() + 90 * DAY_MS);
    w.clock.advance(MIN);
    const jumped = w.clock.now();
    const tick = await w.engine.runOnce('test');
    recordTick(w, tick.tick);
    expect(tick.tick.clockJumpMs).toBe(90 * DAY_MS);
    expect(tick.tick.transitions).toEqual([
      { planId: w.planId, from: 'scheduled', to: 'scheduled', reason: JUMP_REASON },
    ]);
    expect(outbox(w, "kind = 'warning'")).toEqual([]);
    expect(runtime(w).waitFrom).toBe(jumped);
    expect(planEvents(w).filter((e) => e.reason === JUMP_REASON)).toEqual([
      expect.objectContaining({ at: jumped, from_state: 'scheduled', to_state: 'scheduled' }),
    ]);
    const audit = sql<{ action: string; detail: string }>(
      w,
      "SELECT action, detail FROM audit_log WHERE action = 'clock.jump_detected'",
    );
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ jumpMs: 90 * DAY_MS });

    // The interval runs again from the jump: 9 more minutes, nothing; the 10th, warning 1.
    for (let i = 0; i < 9; i++) await step(w, MIN);
    expect(state(w)).toBe('scheduled');
    await step(w, MIN);
    expect(state(w)).toBe('warning(1)');
    expect(levelTimes(w, runtime(w).cycle)[0]!.issuedAt).toBe(jumped + 10 * MIN);
    await step(w, MIN);
    expect(state(w)).toBe('waiting(1)');

    // A jump during a level's wait restarts that wait.
    await step(w, 3 * MIN);
    w.clock.setWall(w.clock.now() + 30 * DAY_MS);
    const jump2 = (await step(w, 0)).clockJumpMs;
    expect(jump2).toBe(30 * DAY_MS);
    const restartedAt = w.clock.now();
    expect(runtime(w)).toMatchObject({ phase: 'waiting', level: 1, waitFrom: restartedAt });
    await step(w, 4 * MIN);
    expect(state(w)).toBe('waiting(1)');
    await step(w, MIN);
    expect(state(w)).toBe('warning(2)'); // issued and sent in this tick's drain: the receipt is recorded

    // A jump after warning 2's receipt was recorded but before the scheduler saw it: the receipt
    // predates the jump, and must not start the wait early (found by the property test).
    w.clock.setWall(w.clock.now() + 60 * DAY_MS);
    const t3 = await step(w, 0);
    expect(t3.clockJumpMs).toBe(60 * DAY_MS);
    const seenAt = w.clock.now();
    expect(state(w)).toBe('waiting(2)');
    expect(runtime(w).waitFrom).toBe(seenAt);
    await step(w, MIN);
    expect(state(w)).toBe('waiting(2)');
    await step(w, 3 * MIN);
    expect(state(w)).toBe('waiting(2)');
    await step(w, MIN);
    expect(state(w)).toBe('warning(3)');

    // Sleep: the wall clock moves 8 hours, the monotonic clock does not; the shell rebases on
    // resume, and the time asleep counts like any other time.
    await step(w, MIN);
    expect(state(w)).toBe('waiting(3)');
    w.clock.setWall(w.clock.now() + 8 * HOUR_MS);
    w.engine.scheduler.rebaseClock();
    const resumed = await step(w, 0);
    expect(resumed.clockJumpMs).toBe(0);
    expect(resumed.transitions.map((t) => t.to)).toEqual(['warning(4)']);
    expect(planEvents(w).filter((e) => e.reason === JUMP_REASON)).toHaveLength(3);
    expect(sql(w, "SELECT * FROM audit_log WHERE action = 'clock.jump_detected'")).toHaveLength(3);

    // Nothing was delivered because of any of it.
    expect(outbox(w, "kind = 'delivery'")).toEqual([]);
    expect(w.tv.vault.audit.verify()).toEqual([]);
  });

  it('SMTP down for two days: retried with growing delays, then everything delivered exactly once', async () => {
    const w = await makeWorld();
    const port = w.smtp.port;
    await w.smtp.close();
    await step(w, 0);

    // Escalation continues on the channels that work (desktop, webhook); e-mails wait in the outbox.
    await stepUntil(w, () => state(w) === 'triggered', MIN);
    const outageStart = T0;
    while (w.clock.now() - outageStart < 2 * DAY_MS) await step(w, 10 * MIN);
    expect(state(w)).toBe('triggered'); // the e-mail delivery is outstanding: not `sent`
    const delivery = outbox(w, "kind = 'delivery' AND channel = 'email'")[0]!;
    expect(delivery.status).toBe('pending');
    expect(delivery.last_error).toMatch(/^SMTP_CONNECTION: .*ECONNREFUSED/);
    expect(readStatus(w.services, w.engine.outbox, w.clock.now()).failures).toEqual([]);

    // The attempts so far: each a retry, the gaps growing along the e-mail schedule.
    const attempts = sql<{ at: number; outcome: string; error_code: string }>(
      w,
      'SELECT * FROM delivery_attempts WHERE outbox_id = ? ORDER BY id',
      delivery.id,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(10);
    expect(attempts.every((a) => a.outcome === 'retry' && a.error_code === 'SMTP_CONNECTION')).toBe(true);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    const schedule = [1, 5, 15, 30, 60, 120, 240].map((m) => m * MIN);
    gaps.forEach((gap, i) => {
      const planned = schedule[Math.min(i, schedule.length - 1)]!;
      expect(gap).toBeGreaterThanOrEqual(planned);
      expect(gap).toBeLessThan(planned + 10 * MIN); // the 10-minute tick
      if (i > 0) expect(gap).toBeGreaterThanOrEqual(gaps[i - 1]!);
    });

    // The server comes back on the same port.
    w.smtp = await startSmtpServer({ port });
    for (let i = 0; i < 30 && state(w) !== 'sent'; i++) await step(w, 10 * MIN);
    for (let i = 0; i < 12; i++) await step(w, HOUR_MS);
    expect(state(w)).toBe('sent');

    // Exactly once per Message-ID. The owner's e-mail warnings that waited out the outage were
    // superseded by later levels (they had the desktop and webhook warnings meanwhile), so the
    // relay, once back, gets the delivery and no burst of stale "are you there?" mails.
    const counts = countByMessageId(w.smtp.received);
    expect([...counts.values()]).toEqual([1]);
    expect(await ownerWarningLevels(w)).toEqual([]);
    const superseded = outbox(w, "kind = 'warning' AND channel = 'email'");
    expect(superseded.length).toBe(4);
    expect(superseded.every((r) => r.status === 'cancelled' && /superseded/.test(r.last_error ?? ''))).toBe(true);
    const toAnna = mailsTo(w, 'anna@example.org');
    expect(toAnna).toHaveLength(1);
    expect(Buffer.compare((await parseMail(toAnna[0]!)).attachments[0]!.content, w.attachment)).toBe(0);
    const hookIds = w.hooks.received.map((h) => h.headers['webhook-id']);
    expect(new Set(hookIds).size).toBe(hookIds.length);
    expect(outbox(w).every((r) => r.status === 'sent' || (r.status === 'cancelled' && r.kind === 'warning'))).toBe(
      true,
    );
    const final = sql<{ outcome: string }>(
      w,
      'SELECT outcome FROM delivery_attempts WHERE outbox_id = ? ORDER BY id',
      delivery.id,
    );
    expect(final[final.length - 1]!.outcome).toBe('sent');
    expect(final.filter((a) => a.outcome === 'sent')).toHaveLength(1);
    expect(w.services.messages.get(w.messageId).status).toBe('sent');
  });

  it('a 550 for a recipient: failed after one attempt, visible in status, the owner told on the desktop, by e-mail and by webhook', async () => {
    const w = await makeWorld({ emailRecipient: 'rcpt550@example.org', webhookRecipient: false });
    await step(w, 0);
    await stepUntil(
      w,
      () => outbox(w, "kind = 'delivery'").length > 0 && outbox(w, "kind = 'delivery'")[0]!.status !== 'pending',
    );
    for (let i = 0; i < 5; i++) await step(w, MIN);

    const [delivery] = outbox(w, "kind = 'delivery'");
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery!.last_error).toMatch(/^SMTP_REJECTED: 550/);
    const attempts = sql<{ outcome: string; error_code: string }>(
      w,
      'SELECT * FROM delivery_attempts WHERE outbox_id = ?',
      delivery!.id,
    );
    expect(attempts).toEqual([expect.objectContaining({ outcome: 'failed', error_code: 'SMTP_REJECTED' })]);
    expect(w.smtp.rcptAttempts.filter((a) => a === 'rcpt550@example.org')).toHaveLength(1);
    // Not retried later either.
    for (let i = 0; i < 6; i++) await step(w, DAY_MS);
    expect(w.smtp.rcptAttempts.filter((a) => a === 'rcpt550@example.org')).toHaveLength(1);

    const status = readStatus(w.services, w.engine.outbox, w.clock.now());
    expect(status.failures).toEqual([
      expect.objectContaining({
        id: delivery!.id,
        kind: 'delivery',
        channel: 'email',
        error: expect.stringMatching(/^SMTP_REJECTED/),
      }),
    ]);

    // Notices on every channel of the owner's: the desktop, their e-mail (it works; only the
    // recipient's address failed) and their webhook, signed like their warnings.
    const notices = outbox(w, "kind = 'notice'");
    expect(notices.map((n) => [n.channel, n.status]).sort()).toEqual([
      ['desktop', 'sent'],
      ['email', 'sent'],
      ['webhook:phone', 'sent'],
    ]);
    const noticeHooks = w.hooks.received.filter((h) => h.path === '/owner' && h.payload?.type === 'afterword.notice');
    expect(noticeHooks).toHaveLength(1);
    expect(noticeHooks[0]!.payload!.data).toMatchObject({
      subject: 'Afterword could not send: A message delivery via email',
    });
    expect(noticeHooks[0]!.body).not.toContain('rcpt550');
    expect(prompts(w).filter((p) => p.level === 0)).toEqual([
      expect.objectContaining({ plan_id: w.planId, answered_at: null, kind: 'notice' }),
    ]);
    expect(status.openPrompts.some((p) => p.kind === 'notice' && p.planId === w.planId)).toBe(true);
    const noticeMails = [];
    for (const m of mailsTo(w, OWNER)) {
      const parsed = await parseMail(m);
      if (parsed.subject?.includes('could not send')) noticeMails.push(parsed);
    }
    expect(noticeMails).toHaveLength(1);
    expect(noticeMails[0]!.subject).toBe('Afterword: Afterword could not send: A message delivery via email');
    expect(noticeMails[0]!.text).toContain('SMTP_REJECTED');
    // The recipient's address and the message are not in the notice.
    expect(noticeMails[0]!.text).not.toContain('rcpt550');
    expect(noticeMails[0]!.text).not.toContain(TITLE);
  });

  it('idempotency: a repeated tick enqueues nothing twice', async () => {
    const w = await makeWorld();
    await step(w, 0);
    await stepUntil(w, () => state(w) === 'waiting(1)');
    w.clock.advance(5 * MIN);
    const db = w.tv.vault.db;
    const before = db.sqlite.prepare('SELECT * FROM plan_state WHERE plan_id = ?').get(w.planId) as Record<
      string,
      unknown
    >;
    recordTick(w, w.engine.scheduler.tick('test'));
    expect(state(w)).toBe('warning(2)');
    const rows = outbox(w).length;
    // The same tick again, at the same instant, with the plan poked.
    recordTick(w, w.engine.scheduler.tick('test'));
    new PlanStore(db).poke(w.clock.now());
    recordTick(w, w.engine.scheduler.tick('test'));
    expect(outbox(w).length).toBe(rows);
    // The tick replayed from the state before it (as if its result had been lost): same keys, no new rows.
    db.sqlite
      .prepare(
        'UPDATE plan_state SET state = ?, level = ?, cycle = ?, wait_from = ?, next_action_at = ? WHERE plan_id = ?',
      )
      .run(before.state, before.level, before.cycle, before.wait_from, w.clock.now(), w.planId);
    const replay = w.engine.scheduler.tick('test');
    expect(replay.transitions.map((t) => t.to)).toEqual(['warning(2)']);
    expect(outbox(w).length).toBe(rows);
    await w.engine.worker.drain();
    await stepUntil(w, () => state(w) === 'sent');
    expect([...countByMessageId(w.smtp.received).values()].every((n) => n === 1)).toBe(true);
    expect(prompts(w).filter((p) => p.level === 2)).toHaveLength(1);
  });

  it('idempotency: rows stuck in `sending` after a crash are retried after the lease with the same Message-ID', async () => {
    const leaseMs = 2 * MIN;
    const w = await makeWorld({ ports: { leaseMs } });
    await step(w, 0);
    await stepUntil(w, () => state(w) === 'waiting(5)');
    w.clock.advance(5 * MIN);
    recordTick(w, w.engine.scheduler.tick('test'));
    expect(state(w)).toBe('triggered');

    // A worker claims the deliveries and dies before sending or recording anything.
    const claimed = w.engine.outbox.claimDue(100, leaseMs).filter((r) => r.kind === 'delivery');
    expect(claimed).toHaveLength(2);
    expect(outbox(w, "kind = 'delivery'").map((r) => [r.status, r.attempts])).toEqual([
      ['sending', 1],
      ['sending', 1],
    ]);
    // Within the lease nobody takes them again.
    expect((await w.engine.worker.drain()).attempted).toBe(0);
    w.clock.advance(leaseMs - 1);
    expect((await w.engine.worker.drain()).attempted).toBe(0);
    // After it, they are sent, once each, with the Message-ID / webhook-id of their key.
    w.clock.advance(1);
    expect(await w.engine.worker.drain()).toMatchObject({ attempted: 2, sent: 2 });
    const rows = outbox(w, "kind = 'delivery'");
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 2],
      ['sent', 2],
    ]);
    const emailRow = rows.find((r) => r.channel === 'email')!;
    const hookRow = rows.find((r) => r.channel === 'webhook')!;
    const toAnna = mailsTo(w, 'anna@example.org');
    expect(toAnna.map((m) => m.messageId)).toEqual([stableMessageId(emailRow.idempotency_key)]);
    expect(w.hooks.received.filter((h) => h.path === '/family').map((h) => h.headers['webhook-id'])).toEqual([
      webhookMessageId(hookRow.idempotency_key),
    ]);
    await step(w, MIN);
    expect(state(w)).toBe('sent');
  });

  it('idempotency: a crash after the server accepted the mail resends it with the same Message-ID', async () => {
    const leaseMs = 2 * MIN;
    const w = await makeWorld({ ports: { leaseMs }, webhookRecipient: false });
    await step(w, 0);
    await stepUntil(w, () => state(w) === 'waiting(5)');
    w.clock.advance(5 * MIN);
    recordTick(w, w.engine.scheduler.tick('test'));
    expect(state(w)).toBe('triggered');

    // A process whose mail reaches the server, then dies before recording the outcome.
    let hung = false;
    const dying = createEngine(w.services, {
      clock: w.clock,
      leaseMs,
      emailSenderFor: (settings): ChannelSender => {
        const real = new EmailSender(settings);
        return {
          async send(item) {
            await real.send(item);
            hung = true;
            return new Promise<never>(() => undefined); // the process is gone: never recorded
          },
          close: () => real.close(),
        };
      },
    });
    cleanups.push(() => dying.close());
    void dying.worker.drain();
    for (let i = 0; i < 200 && !hung; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hung).toBe(true);
    expect(mailsTo(w, 'anna@example.org')).toHaveLength(1);
    expect(outbox(w, "kind = 'delivery'")[0]!.status).toBe('sending');

    // The app starts again; after the lease the row is taken again and sent again, same Message-ID.
    w.clock.advance(leaseMs);
    await step(w, 0);
    const toAnna = mailsTo(w, 'anna@example.org');
    expect(toAnna).toHaveLength(2);
    expect(toAnna[0]!.messageId).toBe(toAnna[1]!.messageId);
    expect(toAnna[0]!.messageId).toBe(stableMessageId(outbox(w, "kind = 'delivery'")[0]!.idempotency_key));
    expect(outbox(w, "kind = 'delivery'")[0]).toMatchObject({ status: 'sent', attempts: 2 });
    await step(w, MIN);
    expect(state(w)).toBe('sent');
  });

  it('a check-in while a delivery is being attempted: the attempt fails temporarily, and it is not retried', async () => {
    // The owner clicks "I'm here" while the worker is talking to the SMTP server; the attempt then
    // times out. Checking in cancels every delivery not yet sent: this one must not go out later.
    let world: World | null = null;
    let checkedIn = false;
    const w = await makeWorld({
      intervalMs: DAY_MS,
      webhookRecipient: false,
      ports: {
        emailSenderFor: (settings): ChannelSender => {
          const real = new EmailSender(settings);
          return {
            async send(item) {
              if (item.content.kind === 'delivery' && !checkedIn) {
                checkedIn = true;
                world!.engine.scheduler.checkIn('tray');
                return { ok: false, permanent: false, errorCode: 'SMTP_TIMEOUT', response: 'no answer within 60 s' };
              }
              return real.send(item);
            },
            close: () => real.close(),
          };
        },
      },
    });
    world = w;
    await step(w, 0);
    await step(w, DAY_MS);
    await stepUntil(w, () => checkedIn, 5 * MIN);
    expect(state(w)).toBe('scheduled');
    const [delivery] = outbox(w, "kind = 'delivery'");
    expect(delivery).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(sql(w, 'SELECT outcome, error_code FROM delivery_attempts WHERE outbox_id = ?', delivery!.id)).toEqual([
      { outcome: 'failed', error_code: 'SMTP_TIMEOUT' },
    ]);
    expect(outbox(w, "kind = 'notice'")).toEqual([]); // nothing to report: the owner is here

    // Half a day later (retries would have come after 1, 5, 15, 30 … minutes): nothing was sent.
    for (let i = 0; i < 36; i++) await step(w, 20 * MIN);
    expect(mailsTo(w, 'anna@example.org')).toEqual([]);
    expect(outbox(w, "kind = 'delivery'")[0]!.status).toBe('cancelled');
    expect(state(w)).toBe('scheduled');
    expect(w.services.messages.get(w.messageId).status).toBe('active');
  });

  it('a check-in after a crash mid-send: the row left `sending` is not taken again after the lease', async () => {
    const leaseMs = 2 * MIN;
    const w = await makeWorld({ ports: { leaseMs }, intervalMs: DAY_MS });
    await step(w, 0);
    await step(w, DAY_MS);
    await stepUntil(w, () => state(w) === 'waiting(5)', 5 * MIN);
    w.clock.advance(5 * MIN);
    recordTick(w, w.engine.scheduler.tick('test'));
    expect(state(w)).toBe('triggered');
    expect(w.engine.outbox.claimDue(100, leaseMs).filter((r) => r.kind === 'delivery')).toHaveLength(2); // then the process dies
    // The app starts again; the owner checks in before the lease runs out.
    w.engine.scheduler.checkIn('tray');
    expect(outbox(w, "kind = 'delivery'").map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    for (let i = 0; i < 12; i++) await step(w, 10 * MIN);
    expect(mailsTo(w, 'anna@example.org')).toEqual([]);
    expect(w.hooks.received.filter((h) => h.path === '/family')).toEqual([]);
    expect(state(w)).toBe('scheduled');
  });
});
