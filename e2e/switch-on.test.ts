// The switch stays on unless the person turns it off: the first run cannot be skipped by a refresh
// or Back (it resumes at its step, and what is left undone stays in view and in `status`); a locked
// UI still lets warnings go out; a test send is counted apart from real deliveries.
import { expect, it } from 'vitest';
import { seriousViolations } from './support/accessibility.js';
import { describeE2E } from './support/env.js';
import { OWNER, PASSWORD, useE2E } from './support/fixture.js';
import { HOUR_MS, levels, useLoopbackSmtp } from './support/seed.js';
import { warningOf } from './support/warnings.js';

/** A little more than each wait, so every step is due whatever the milliseconds the run took. */
const STEP_MS = HOUR_MS + 60_000;
/** The desktop's default auto-lock is 15 minutes: the UI stays locked for longer than that. */
const LONGER_THAN_AUTO_LOCK_MS = 20 * 60_000;

describeE2E('the switch stays on', () => {
  const e2e = useE2E();

  it(
    'the first run resumes at its step after a refresh or Back/Forward; what is left undone stays in view and in status',
    { timeout: 120_000 },
    async () => {
      const session = await e2e.start();
      const { app, api, page, ui } = session;
      const { firstRun, dashboard } = app;

      await firstRun.waitUntilShown();
      await firstRun.choosePassword(PASSWORD);
      await firstRun.createVault();
      const recoveryKey = await firstRun.readRecoveryKey();
      for (const button of firstRun.sheetButtons()) await button.waitFor();
      expect(await seriousViolations(page), 'axe on the recovery key step').toEqual([]);

      // Refresh on the recovery key: the same key again, still to be confirmed.
      await page.reload();
      await firstRun.step('firstRun:recovery.title').waitFor();
      expect(await firstRun.readRecoveryKey()).toBe(recoveryKey);
      // Back out of the app and Forward into it again: the same.
      await page.goBack();
      await page.goForward();
      await firstRun.step('firstRun:recovery.title').waitFor();
      expect(await firstRun.readRecoveryKey()).toBe(recoveryKey);
      await firstRun.confirmRecoveryKey(recoveryKey);

      // The e-mail step survives a refresh too; skipping it moves on, but it is not forgotten.
      await page.reload();
      await firstRun.step('firstRun:owner.title').waitFor();
      await firstRun.skipOwner();
      await page.reload();
      await firstRun.step('firstRun:test.title').waitFor();
      await firstRun.finish();
      await dashboard.waitUntilShown();

      const banner = dashboard.finishSetupBanner();
      await banner.getByText(ui.texts.t('common:setupBanner.ownerEmail'), { exact: true }).waitFor();
      expect(await banner.getByText(ui.texts.t('common:setupBanner.recoveryKey'), { exact: true }).count()).toBe(0);
      expect(await seriousViolations(page), 'axe on the dashboard with the banner').toEqual([]);
      const status = await api.call('status.get', {});
      expect(status.problems).toContainEqual(
        expect.objectContaining({ code: 'SETUP_UNFINISHED', params: { recoveryKeyConfirmed: 1, ownerEmailSet: 0 } }),
      );

      // On every screen until the address is set; then gone, from the screen and from status.
      await app.goTo('messages');
      await banner.waitFor();
      await api.call('settings.set', { owner: { email: OWNER.email, name: OWNER.name } });
      await app.goTo('dashboard');
      await banner.waitFor({ state: 'detached' });
      expect((await api.call('status.get', {})).problems.map((p) => p.code)).not.toContain('SETUP_UNFINISHED');

      expect(session.problems()).toEqual([]);
    },
  );

  it(
    'locked for longer than the auto-lock, without unattended delivery, a warning still goes out',
    { timeout: 120_000 },
    async () => {
      const session = await e2e.start();
      const { app, api, page } = session;
      const mailbox = e2e.mailbox();

      await app.firstRun.complete({
        password: PASSWORD,
        ownerEmail: OWNER.email,
        ownerName: OWNER.name,
        unattended: false,
      });
      await app.dashboard.waitUntilShown();
      expect((await api.call('vault.status', {})).unattended.enabled).toBe(false);
      await useLoopbackSmtp(api, mailbox.port);
      const kin = await api.call('recipients.create', { name: 'Kin', type: 'email', contact: 'kin@example.org' });
      const plan = await api.call('plans.create', {
        name: 'Hourly',
        intervalMs: HOUR_MS,
        levels: levels(HOUR_MS, ['email']),
      });
      await api.call('messages.create', {
        title: 'For Kin',
        body: 'The keys are with the neighbour.',
        recipientIds: [kin.id],
        planId: plan.id,
      });
      await page.reload();
      await app.dashboard.checkIn();
      await app.dashboard.waitForPlan('Hourly', { phase: 'scheduled', level: 0 });
      const mark = mailbox.count;

      await api.clockWhileLocked();
      await app.shell.lock();
      await app.unlock.waitUntilShown();
      await app.unlock.watchingNotice(true).waitFor();
      expect(await seriousViolations(page), 'axe on the lock screen').toEqual([]);

      // Nobody comes back: the auto-lock's quarter hour passes, then the check-in interval.
      await api.advanceClock(LONGER_THAN_AUTO_LOCK_MS);
      await api.advanceClock(STEP_MS);
      await api.tick();
      const warnings = (await mailbox.mails({ to: OWNER.email, since: mark })).map((m) => warningOf(m));
      expect(warnings).toEqual([expect.objectContaining({ planId: plan.id, level: 1 })]);
      // Still locked, and still saying that warnings and deliveries run.
      await app.unlock.heading().waitFor();
      await page.reload();
      await app.unlock.watchingNotice(true).waitFor();

      expect(session.problems()).toEqual([]);
    },
  );

  it(
    'tests (set up inline in the first run, a channel test, a message to yourself) are counted and labelled apart from deliveries, with their outcome',
    { timeout: 120_000 },
    async () => {
      const session = await e2e.start();
      const { app, api, ui } = session;
      const { firstRun } = app;
      const mailbox = e2e.mailbox();
      const mark = mailbox.count; // one mailbox for the whole file

      // The first run's test step sets the mail server up inline, and its e-mail test passes.
      await firstRun.waitUntilShown();
      await firstRun.choosePassword(PASSWORD);
      await firstRun.createVault();
      await firstRun.confirmRecoveryKey(await firstRun.readRecoveryKey());
      await firstRun.fillOwner(OWNER.email, OWNER.name);
      await firstRun.saveOwner();
      await firstRun.openMailServerForm();
      await app.channels.saveSmtp({
        host: '127.0.0.1',
        port: mailbox.port,
        security: 'none',
        from: 'afterword@example.org',
      });
      expect(await firstRun.sendEmailTest()).toBe(true);
      await firstRun.finish();
      await app.dashboard.waitUntilShown();

      const kin = await api.call('recipients.create', { name: 'Kin', type: 'email', contact: 'kin@example.org' });
      const message = await api.call('messages.create', {
        title: 'For Kin',
        body: 'The keys are with the neighbour.',
        recipientIds: [kin.id],
      });

      const channels = await app.goTo('channels');
      const test = await channels.sendSmtpTest();
      expect(test.ok, test.text).toBe(true);
      expect(await api.call('messages.testSend', { id: message.id })).toMatchObject({ ok: true });
      expect(await mailbox.mails({ to: OWNER.email, since: mark })).toHaveLength(3);
      expect(await mailbox.mails({ to: 'kin@example.org', since: mark })).toEqual([]);

      const dashboard = await app.goTo('dashboard');
      await dashboard
        .testSends()
        .filter({ hasText: ui.texts.t('dashboard:outbox.testsSummary', { passed: '3', failed: '0' }) })
        .waitFor();
      expect(await dashboard.sentCount()).toBe('0');

      const activity = await app.goTo('activity');
      const table = activity.table();
      await table.getByText(ui.texts.t('common:audit.testSent'), { exact: true }).waitFor();
      await table.getByText(ui.texts.t('common:audit.channelTestPassed'), { exact: true }).nth(1).waitFor(); // the first run's and the Channels test
      expect(await table.getByText(ui.texts.t('common:audit.outboxSent'), { exact: true }).count()).toBe(0);

      expect(session.problems()).toEqual([]);
    },
  );
});
