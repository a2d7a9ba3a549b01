import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../../shared/durations.js';
import type { Channel } from '../../../shared/plans.js';
import { testChannel } from '../delivery/channel-test.js';
import { createEngine } from '../engine.js';
import { PromptNotifier } from '../delivery/prompt-notifier.js';
import { statusReportSchema } from '../../../shared/contract/dto.js';
import { advanceSetup, beginSetup, confirmRecoveryKey, readSetup } from '../setup-state.js';
import { join } from 'node:path';
import { prepareStatus, readStatus } from './status.js';
import { createTestVault, TEST_PASSWORD, type TestVault } from '../test-support/vault-fixture.js';
import { sqliteConnection } from '../db/sqlite-addon.js';
import { createVaultServices } from '../services.js';
import { Vault } from '../vault/vault.js';
import { DATABASE_FILE } from '../vault/vault-paths.js';

let tv: TestVault | undefined;
afterEach(async () => {
  await tv?.dispose();
  tv = undefined;
});

/** A vault and its engine, with one message to an e-mail recipient on the default plan (which uses e-mail). */
async function vaultWithEmailMessage() {
  tv = await createTestVault();
  const { services, clock } = tv;
  const engine = createEngine(services, { clock });
  const rcp = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' });
  services.messages.create({ title: 't', body: 'b', recipientIds: [rcp.id] });
  return { tv, services, clock, engine };
}

describe('readStatus problems', () => {
  it('names every misconfiguration that would make a warning or delivery fail, and clears them', async () => {
    const { services, clock, engine } = await vaultWithEmailMessage();
    const problems = () => readStatus(services, engine.outbox, clock.now()).problems;

    engine.scheduler.tick();
    const plan = services.plans.list().find((p) => p.isDefault)!;
    expect(problems()).toEqual([
      {
        code: 'OWNER_EMAIL_MISSING',
        params: { plan: plan.name, planId: plan.id },
        message: expect.stringContaining('no owner e-mail'),
      },
      {
        code: 'PLAN_SMTP_MISSING',
        params: { plan: plan.name, planId: plan.id },
        message: expect.stringContaining('warns by e-mail but no SMTP account'),
      },
      {
        code: 'RECIPIENTS_SMTP_MISSING',
        params: {},
        message: expect.stringContaining('e-mail recipients but no SMTP account'),
      },
      {
        code: 'SETUP_UNFINISHED',
        params: { recoveryKeyConfirmed: 1, ownerEmailSet: 0 },
        message: expect.stringContaining('no owner e-mail'),
      },
    ]);
    // The codes cross the contract as they are.
    expect(statusReportSchema().shape.problems.parse(problems())).toEqual(problems());

    services.settings.set('owner', { email: 'me@example.org', name: null });
    services.settings.set('smtp', {
      host: 'smtp.example.org',
      port: 587,
      tls: 'starttls',
      user: null,
      password: null,
      from: 'me@example.org',
    });
    expect(problems()).toEqual([]);

    clock.advance(3 * 24 * 60 * 60 * 1000); // nobody ran the scheduler for three days
    expect(problems()).toEqual([
      { code: 'SCHEDULER_STALE', params: {}, message: expect.stringContaining('scheduler has not run') },
    ]);
    engine.scheduler.tick();
    expect(problems()).toEqual([]);
    await engine.close();
  });
});

describe('readStatus: an unfinished first run', () => {
  it('is a problem until the recovery key is confirmed and an owner address is set', async () => {
    tv = await createTestVault();
    const { services, clock } = tv;
    const engine = createEngine(services, { clock });
    const setupProblems = () =>
      readStatus(services, engine.outbox, clock.now()).problems.filter((p) => p.code === 'SETUP_UNFINISHED');
    const key = 'ABCDEF-GH1JK0-MNPQRS-TVWXYZ-012345-6789AB';
    beginSetup(services.settings); // a vault made through the first run, no messages yet
    expect(setupProblems()).toEqual([
      {
        code: 'SETUP_UNFINISHED',
        params: { recoveryKeyConfirmed: 0, ownerEmailSet: 0 },
        message: expect.stringMatching(/recovery key was never confirmed.*no owner e-mail/),
      },
    ]);
    expect(() => advanceSetup(services.settings, 'done')).toThrow(/confirm the recovery key first/);
    expect(() => confirmRecoveryKey(services.settings, key, 2, 'TVWXYZ', clock.now())).toThrow(/not group 3/);
    expect(() => confirmRecoveryKey(services.settings, null, 2, 'MNPQRS', clock.now())).toThrow(/no longer in memory/);
    expect(readSetup(services.settings)).toEqual({
      step: 'recovery',
      recoveryKeyConfirmed: false,
      ownerEmailSet: false,
    });
    confirmRecoveryKey(services.settings, key, 2, 'mnpqrs', clock.now());
    expect(readSetup(services.settings)).toEqual({ step: 'owner', recoveryKeyConfirmed: true, ownerEmailSet: false });
    expect(setupProblems()).toEqual([
      expect.objectContaining({ params: { recoveryKeyConfirmed: 1, ownerEmailSet: 0 } }),
    ]);
    advanceSetup(services.settings, 'done'); // the e-mail step skipped: still a problem
    expect(setupProblems()).toHaveLength(1);
    services.settings.set('owner', { email: 'me@example.org', name: null });
    expect(setupProblems()).toEqual([]);
    await engine.close();
  });
});

describe('readStatus: webhook channels that lead nowhere', () => {
  it('names a plan that warns through a webhook that is not set up, or only through webhooks when there are none', async () => {
    tv = await createTestVault();
    const { services, clock } = tv;
    const engine = createEngine(services, { clock });
    services.settings.set('owner', { email: 'me@example.org', name: null });
    services.settings.set('smtp', {
      host: 'smtp.example.org',
      port: 587,
      tls: 'starttls',
      user: null,
      password: null,
      from: 'me@example.org',
    });
    const level = (channels: Channel[]) => ({ waitMs: 10 * MINUTE_MS, channels });
    // The plans are saved while `ghost` is set up (a plan naming a missing webhook is refused); it is removed after.
    services.webhooks.add('ghost', 'https://hooks.example.org/ghost', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const named = services.plans.create({
      name: 'Named',
      intervalMs: 10 * MINUTE_MS,
      levels: [
        level(['desktop']),
        level(['email', 'webhook:ghost']),
        level(['email']),
        level(['email']),
        level(['email']),
      ],
    });
    const only = services.plans.create({
      name: 'Hooks only',
      intervalMs: 10 * MINUTE_MS,
      levels: [level(['desktop']), level(['webhook']), level(['email']), level(['email']), level(['email'])],
    });
    // `webhook` beside e-mail, and a level of a named webhook alone: only the name is a problem.
    const mixed = services.plans.create({
      name: 'Mixed',
      intervalMs: 10 * MINUTE_MS,
      levels: [
        level(['email', 'webhook']),
        level(['webhook:ghost']),
        level(['email']),
        level(['email']),
        level(['email']),
      ],
    });
    services.webhooks.remove('ghost');
    const rcp = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' });
    services.messages.create({ title: 't', body: 'b', recipientIds: [rcp.id], planId: named.id });
    services.messages.create({ title: 't', body: 'b', recipientIds: [rcp.id], planId: only.id });
    services.messages.create({ title: 't', body: 'b', recipientIds: [rcp.id], planId: mixed.id });
    services.messages.create({ title: 't', body: 'b', recipientIds: [rcp.id] }); // the default plan: e-mail beside `webhook`
    engine.scheduler.tick();
    const problems = () => readStatus(services, engine.outbox, clock.now()).problems;
    expect(problems()).toEqual([
      {
        code: 'PLAN_WEBHOOK_MISSING',
        params: { plan: 'Named', planId: named.id, webhook: 'ghost' },
        message: expect.stringContaining('webhook add --name ghost'),
      },
      {
        code: 'PLAN_WEBHOOK_MISSING',
        params: { plan: 'Hooks only', planId: only.id, webhook: '' },
        message: expect.stringContaining('none is set up'),
      },
      {
        code: 'PLAN_WEBHOOK_MISSING',
        params: { plan: 'Mixed', planId: mixed.id, webhook: 'ghost' },
        message: expect.stringContaining('webhook add --name ghost'),
      },
    ]);
    expect(statusReportSchema().shape.problems.parse(problems())).toEqual(problems());

    services.webhooks.add('phone', 'https://phone.example.org/hook', 'whsec_' + 'A'.repeat(32));
    expect(problems().map((p) => p.params.webhook)).toEqual(['ghost', 'ghost']);
    services.webhooks.add('ghost', 'https://ghost.example.org/hook', 'whsec_' + 'B'.repeat(32));
    expect(problems()).toEqual([]);
    await engine.close();
  });
});

describe('readStatus open prompts', () => {
  it('say what each prompt is: a warning of a plan, a test of the desktop channel', async () => {
    tv = await createTestVault();
    const { services, clock } = tv;
    const engine = createEngine(services, { clock });
    const level = { waitMs: 10 * MINUTE_MS, channels: ['desktop' as const] };
    const plan = services.plans.create({
      name: 'Short',
      intervalMs: 10 * MINUTE_MS,
      levels: [level, level, level, level, level],
    });
    const rcp = services.recipients.add({ type: 'webhook', name: 'Kin', contact: 'https://kin.example.org/hook' });
    services.messages.create({ title: 't', body: 'b', recipientIds: [rcp.id], planId: plan.id });
    await engine.runOnce(); // armed
    clock.advance(11 * MINUTE_MS);
    await engine.runOnce(); // warning 1, on the desktop
    clock.advance(MINUTE_MS);
    await testChannel(services, 'desktop', { notifier: new PromptNotifier(services.vault.db, clock) });

    const open = readStatus(services, engine.outbox, clock.now()).openPrompts;
    expect(open).toEqual([
      { planId: null, level: 0, at: clock.now(), kind: 'test' },
      { planId: plan.id, level: 1, at: clock.now() - MINUTE_MS, kind: 'warning' },
    ]);
    await engine.close();
  });
});

describe('prepareStatus', () => {
  it('reads a locked vault without writing to it, and keeps nothing from the status read after the unlock', async () => {
    const { tv: made, services, clock, engine } = await vaultWithEmailMessage();
    engine.scheduler.tick();
    await engine.close();
    const dir = services.vault.dir;
    await made.vault.close();

    const locked = await Vault.open(dir, { clock });
    const watcher = sqliteConnection(join(dir, DATABASE_FILE), { readonly: true });
    try {
      // Another connection's data_version moves whenever this one commits a write.
      const dataVersion = () => watcher.pragma('data_version', { simple: true }) as number;
      const before = dataVersion();
      prepareStatus(locked.db, clock);
      expect(locked.isUnlocked).toBe(false);
      expect(dataVersion()).toBe(before);

      await locked.unlock(TEST_PASSWORD);
      const unlocked = createVaultServices(locked, clock);
      const after = createEngine(unlocked, { clock });
      clock.advance(60_000);
      after.scheduler.checkIn('cli');
      unlocked.plans.create({ ...unlocked.plans.list()[0]!, name: 'Made after the warm-up' });
      const report = readStatus(unlocked, after.outbox, clock.now());
      expect(report.lastCheckinAt).toBe(clock.now());
      expect(report.plans.map((p) => p.name)).toContain('Made after the warm-up');
      await after.close();
    } finally {
      watcher.close();
      await locked.close();
    }
  });
});
