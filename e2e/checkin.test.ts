// "I'm here" from the dashboard at warning level 3 (in Chinese this time): the plan starts over,
// what was pending is cancelled, and the time that would have delivered the messages passes with
// only the new round's first warnings, never a delivery.
import { expect, it } from 'vitest';
import { describeE2E } from './support/env.js';
import { OWNER, PASSWORD, useE2E } from './support/fixture.js';
import { HOUR_MS, levels, useLoopbackSmtp } from './support/seed.js';
import { warningOf } from './support/warnings.js';

const STEP_MS = HOUR_MS + 60_000;
const PLAN = '每小时';
const RECIPIENT = 'kin@example.org';

describeE2E('check-in from the dashboard', () => {
  const e2e = useE2E();

  it(
    'at level 3 returns the plan to scheduled; no delivery follows, and less than the interval brings nothing',
    { timeout: 120_000 },
    async () => {
      const session = await e2e.start({ language: 'zh-CN' });
      const { app, api, page } = session;
      const mailbox = e2e.mailbox();

      await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
      await app.dashboard.waitUntilShown();
      await useLoopbackSmtp(api, mailbox.port);
      const kin = await api.call('recipients.create', { name: 'Kin', type: 'email', contact: RECIPIENT });
      const plan = await api.call('plans.create', {
        name: PLAN,
        intervalMs: HOUR_MS,
        levels: levels(HOUR_MS, ['email']),
      });
      await api.call('messages.create', {
        title: '给 Kin',
        body: '一切都在蓝色文件夹里。',
        recipientIds: [kin.id],
        planId: plan.id,
      });
      await page.reload();

      const dashboard = app.dashboard;
      await dashboard.checkIn();
      await dashboard.waitForPlan(PLAN, { phase: 'scheduled', level: 0 });
      const start = mailbox.count;
      for (let level = 1; level <= 3; level++) {
        await api.advanceClock(STEP_MS);
        await api.tick();
        await dashboard.waitForPlan(PLAN, { phase: 'waiting', level });
      }
      const before = (await mailbox.mails({ since: start })).map(warningOf);
      expect(before.map((w) => w?.level)).toEqual([1, 2, 3]);
      const oldCycle = before[0]!.cycle;

      // "I'm here" at level 3.
      await dashboard.checkIn();
      await dashboard.waitForPlan(PLAN, { phase: 'scheduled', level: 0 });
      const mark = mailbox.count;

      // Less than the interval since the check-in (57 minutes, a tick after each third): nothing.
      for (let i = 0; i < 3; i++) {
        await api.advanceClock(19 * 60_000);
        await api.tick();
      }
      expect(await mailbox.mails({ since: mark })).toEqual([]);
      await page.reload();
      await dashboard.waitForPlan(PLAN, { phase: 'scheduled', level: 0 });

      // Three more hours: without the check-in, levels 4 and 5 and the delivery would all be done by
      // now. Instead a new round of warnings starts from the check-in, and nothing is delivered.
      for (let level = 1; level <= 3; level++) {
        await api.advanceClock(STEP_MS);
        await api.tick();
        await dashboard.waitForPlan(PLAN, { phase: 'waiting', level });
      }
      const after = await mailbox.mails({ since: mark });
      expect(after.every((m) => m.to.includes(OWNER.email))).toBe(true);
      expect(after.map(warningOf)).toEqual([1, 2, 3].map((level) => ({ planId: plan.id, cycle: oldCycle + 1, level })));
      expect(await mailbox.mails({ to: RECIPIENT })).toEqual([]);

      expect(session.problems()).toEqual([]);
    },
  );
});
