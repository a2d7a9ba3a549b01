// Mistakes are shown on the field that has them, not in a toast: the message title (required,
// and at most 200 characters, with a counter) is marked in place and gets the focus, and nothing
// is sent. The mail server test uses the settings on the screen before they are saved, and the
// unsaved form is guarded like a message.
import { expect, it } from 'vitest';
import { LeaveDialog } from './pages/LeaveDialog.js';
import { MessageEditor } from './pages/MessageEditor.js';
import { describeE2E } from './support/env.js';
import { OWNER, PASSWORD, useE2E } from './support/fixture.js';

describeE2E('errors on the fields', () => {
  const e2e = useE2E();

  it(
    'marks an empty or too long title in place, focuses it and sends nothing; the SMTP test uses unsaved settings',
    { timeout: 120_000 },
    async () => {
      const session = await e2e.start();
      const { app, api, ui } = session;
      const mailbox = e2e.mailbox();
      await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
      await app.dashboard.waitUntilShown();
      const sent: string[] = [];
      ui.page.on('request', (request) => {
        if (/\/api\/rpc\/messages\.(create|update)$/.test(request.url())) sent.push(request.url());
      });

      // In a browser tab the new-message shortcut is Alt+N (Ctrl+N never reaches the page).
      await ui.page.keyboard.press('Alt+KeyN');
      const editor = new MessageEditor(ui, 'new');
      await editor.waitUntilShown();
      expect(ui.page.url()).toMatch(/#\/messages\/new$/);
      await editor.fillBody('A body without a title.');
      await editor.clickSave();
      const title = editor.title();
      await editor.root().getByText(ui.texts.t('messages:editor.titleRequired'), { exact: true }).waitFor();
      await title.and(ui.page.locator(':focus')).waitFor();
      expect(await title.getAttribute('aria-invalid')).toBe('true');

      const long = 'x'.repeat(201);
      await editor.fillTitle(long);
      expect(await title.inputValue()).toBe(long); // kept as typed, not cut off
      await editor
        .root()
        .getByText(ui.texts.t('messages:editor.titleTooLong', { length: 201, max: 200 }), { exact: true })
        .waitFor();
      await editor
        .root()
        .getByText(ui.texts.t('messages:editor.titleCount', { length: 201, max: 200 }), { exact: false })
        .waitFor();
      await ui.page.getByRole('link', { name: ui.texts.t('common:nav.dashboard'), exact: true }).focus();
      await editor.clickSave();
      await title.and(ui.page.locator(':focus')).waitFor();
      expect(sent).toEqual([]);
      expect(
        await ui.page
          .getByRole('alert')
          .filter({ hasText: ui.texts.t('errors:title') })
          .count(),
      ).toBe(0);

      await editor.fillTitle('For Kit');
      await editor.save();
      expect(sent).toHaveLength(1);

      // The mail server on the screen, not saved: the test goes through it, and nothing is stored.
      const channels = await app.goTo('channels');
      await channels.smtpHost().waitFor();
      const before = mailbox.count;
      await channels.fillSmtp({
        host: '127.0.0.1',
        port: mailbox.port,
        security: 'none',
        from: 'afterword@example.org',
      });
      expect(await channels.sendSmtpTest()).toMatchObject({ ok: true });
      expect((await mailbox.mails({ since: before })).map((m) => m.to)).toEqual([[OWNER.email]]);
      expect((await api.call('channels.get', {})).smtp).toBeNull();

      // Leaving the unsaved mail server asks, like a message; once saved it does not.
      const leave = new LeaveDialog(ui);
      await app.shell.goTo('dashboard');
      await leave.stay();
      await channels.saveSmtp({
        host: '127.0.0.1',
        port: mailbox.port,
        security: 'none',
        from: 'afterword@example.org',
      });
      await app.goTo('dashboard');
      expect(await leave.root().count()).toBe(0);

      expect(session.problems()).toEqual([]);
    },
  );
});
