// The whole journey through the UI, against `afterword serve` on a fresh vault: first run, a mail
// server, a recipient, a message with an attachment, a plan with one-hour waits, a check-in; then
// silence. The test clock moves an hour at a time while the dashboard shows warnings 1 to 5; the
// owner gets each warning by e-mail, and finally the recipient gets the message and its attachment,
// byte for byte.
import { expect, it } from 'vitest';
import { describeE2E } from './support/env.js';
import { OWNER, PASSWORD, useE2E } from './support/fixture.js';
import { warningOf } from './support/warnings.js';

const HOUR_MS = 3_600_000;
/** A little more than each wait, so every step is due whatever the milliseconds the run took. */
const STEP_MS = HOUR_MS + 60_000;
const PLAN = 'Journey';
const RECIPIENT = { name: 'Sam Lee', email: 'sam@example.org' };
const TITLE = 'For Sam, if I am gone';
const BODY = 'Dear Sam,\n\nThe documents are in the blue folder in the study.';
/** Every byte value, in an order that is not the identity: any re-encoding would show. */
const ATTACHMENT = {
  name: 'keys-and-codes.bin',
  mimeType: 'application/octet-stream',
  buffer: Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 73 + 41) % 256)),
};

describeE2E('journey: from the first run to the delivery of a message', () => {
  const e2e = useE2E();

  it(
    'warns the owner five times, an hour apart, then delivers the message with its attachment intact',
    { timeout: 150_000 },
    async () => {
      const session = await e2e.start();
      const { app, api } = session;
      const mailbox = e2e.mailbox();

      // First run: password, the recovery key typed back, the owner's address.
      const recoveryKey = await app.firstRun.complete({
        password: PASSWORD,
        ownerEmail: OWNER.email,
        ownerName: OWNER.name,
      });
      expect(recoveryKey).toMatch(/^[0-9A-Z]{6}(-[0-9A-Z]{6})+$/);
      await app.dashboard.waitUntilShown();

      // The mail server: the loopback SMTP server, plain; its test reaches the owner.
      const channels = await app.goTo('channels');
      await channels.saveSmtp({
        host: '127.0.0.1',
        port: mailbox.port,
        security: 'none',
        from: 'afterword@example.org',
      });
      const test = await channels.sendSmtpTest();
      expect(test.ok, test.text).toBe(true);
      expect(await mailbox.mails({ to: OWNER.email })).toHaveLength(1);

      const recipients = await app.goTo('recipients');
      await recipients.addByEmail(RECIPIENT.name, RECIPIENT.email);

      // A plan that asks every hour and then warns by e-mail five times, an hour apart.
      const plans = await app.goTo('plans');
      await plans.create({
        name: PLAN,
        intervalMs: HOUR_MS,
        levels: Array.from({ length: 5 }, () => ({ waitMs: HOUR_MS, channels: ['email'] })),
      });

      // The message, for Sam, on that plan, with an attachment.
      const messages = await app.goTo('messages');
      const editor = await messages.newMessage();
      await editor.fillTitle(TITLE);
      await editor.fillBody(BODY);
      await editor.addRecipient(`${RECIPIENT.name} <${RECIPIENT.email}>`);
      await editor.choosePlan(PLAN);
      await editor.attach(ATTACHMENT);
      await editor.save();
      await messages.row(TITLE).waitFor();
      const saved = await messages.open(TITLE);
      await saved.storedAttachment(ATTACHMENT.name).waitFor();

      // "I'm here": the plan waits for the next check-in.
      const dashboard = await app.goTo('dashboard');
      await dashboard.checkIn();
      await dashboard.waitForPlan(PLAN, { phase: 'scheduled', level: 0 });
      const mark = mailbox.count;

      // Silence. Each hour brings the next warning; the dashboard climbs with it.
      for (let level = 1; level <= 5; level++) {
        await api.advanceClock(STEP_MS); // the warning is due: issued and sent in this tick
        await api.tick(); // it went out: the plan waits for an answer from now
        await dashboard.waitForPlan(PLAN, { phase: 'waiting', level });
        const warnings = (await mailbox.mails({ to: OWNER.email, since: mark })).map((m) => warningOf(m)?.level);
        expect(warnings, `owner warnings after level ${level}`).toEqual(Array.from({ length: level }, (_, i) => i + 1));
        expect(await mailbox.mails({ to: RECIPIENT.email }), `nothing for the recipient at level ${level}`).toEqual([]);
      }

      // No answer to the fifth warning: the messages go out.
      await api.advanceClock(STEP_MS);
      await api.tick();
      await dashboard.waitForPlan(PLAN, { phase: 'sent', level: 5 });

      const delivered = await mailbox.mails({ to: RECIPIENT.email });
      expect(delivered).toHaveLength(1);
      const mail = delivered[0]!.parsed;
      expect(mail.subject).toBe(TITLE);
      expect(mail.text).toContain('The documents are in the blue folder in the study.');
      expect(mail.attachments.map((a) => ({ filename: a.filename, size: a.content.length }))).toEqual([
        { filename: ATTACHMENT.name, size: ATTACHMENT.buffer.length },
      ]);
      expect(Buffer.compare(mail.attachments[0]!.content, ATTACHMENT.buffer)).toBe(0);

      // The owner got exactly the five warnings, in order, and nothing went to anyone else.
      const owner = await mailbox.mails({ to: OWNER.email, since: mark });
      expect(owner.map((m) => warningOf(m)?.level)).toEqual([1, 2, 3, 4, 5]);
      expect(owner.every((m) => m.parsed.text?.includes(PLAN))).toBe(true);
      expect(mailbox.count - mark).toBe(6);

      expect(session.problems()).toEqual([]);
    },
  );
});
