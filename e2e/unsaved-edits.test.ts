// Words written are never lost silently: leaving the message editor with unsaved changes (the
// navigation, Back) asks first; reloading or closing the page asks through the browser, and the
// encrypted draft brings the changes back when the editor opens again. Saving ends the draft;
// leaving on purpose drops it.
import { expect, it } from 'vitest';
import type { Dialog } from 'playwright-core';
import { LeaveDialog } from './pages/LeaveDialog.js';
import { MessageEditor } from './pages/MessageEditor.js';
import { seriousViolations } from './support/accessibility.js';
import { describeE2E } from './support/env.js';
import { OWNER, PASSWORD, useE2E } from './support/fixture.js';

const TITLE = 'For Kit, unsaved';
const BODY = 'The spare key is in the blue folder.';

describeE2E('unsaved changes in the message editor', () => {
  const e2e = useE2E();

  it(
    'asks before in-app navigation and Back; after a reload or a closed page the draft comes back',
    { timeout: 120_000 },
    async () => {
      const session = await e2e.start();
      const { app, api, context, ui } = session;
      await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
      await app.dashboard.waitUntilShown();
      const messages = await app.goTo('messages');
      const editor = await messages.newMessage();
      await editor.title().and(ui.page.locator(':focus')).waitFor(); // "New message" puts the cursor in the title

      await editor.keptAfter(async () => {
        await editor.fillTitle(TITLE);
        await editor.fillBody(BODY);
      });

      // In-app navigation: asked; staying keeps every word and the address.
      const leave = new LeaveDialog(ui);
      await app.shell.goTo('recipients');
      await leave.root().waitFor();
      expect(await seriousViolations(ui.page)).toEqual([]);
      await leave.stay();
      expect(ui.page.url()).toMatch(/#\/messages\/new$/);
      expect(await editor.title().inputValue()).toBe(TITLE);

      // Back (to the list of messages): asked as well, and the address is put back while asking.
      await ui.page.goBack();
      await leave.root().waitFor();
      expect(ui.page.url()).toMatch(/#\/messages\/new$/);
      await leave.stay();
      expect(await editor.title().inputValue()).toBe(TITLE);
      await expect.poll(() => editor.body().innerText()).toBe(BODY);

      // Reload: the browser asks; the draft is offered when the editor opens again.
      const asked: string[] = [];
      const accept = (dialog: Dialog) => {
        asked.push(dialog.type());
        void dialog.accept();
      };
      ui.page.on('dialog', accept);
      await ui.page.reload();
      expect(asked).toEqual(['beforeunload']);
      const reopened = new MessageEditor(ui, 'new');
      await reopened.restoreDialog().waitFor();
      expect(await seriousViolations(ui.page)).toEqual([]);
      await reopened.restoreDraft();
      expect(await reopened.title().inputValue()).toBe(TITLE);
      await expect.poll(() => reopened.body().innerText()).toBe(BODY);

      // Closing the page: asked too; the draft waits in the vault for the next window.
      await reopened.keptAfter(() => reopened.fillTitle(`${TITLE}, closed`));
      const closing = ui.page.waitForEvent('close');
      await ui.page.close({ runBeforeUnload: true });
      await closing;
      expect(asked).toEqual(['beforeunload', 'beforeunload']);
      const page = await context.newPage();
      ui.page = page;
      await page.goto('/#/messages/new');
      const again = new MessageEditor(ui, 'new');
      await again.restoreDialog().waitFor();
      await again.restoreDraft();
      expect(await again.title().inputValue()).toBe(`${TITLE}, closed`);
      await expect.poll(() => again.body().innerText()).toBe(BODY);

      // Saving ends the draft; a change then left on purpose is dropped, and not offered again.
      await again.save();
      expect(await api.call('drafts.get', { messageId: null })).toBeNull();
      const [saved] = (await api.call('messages.list', {})).items;
      expect(saved?.title).toBe(`${TITLE}, closed`);
      const edit = await app.messages.open(`${TITLE}, closed`);
      await edit.keptAfter(() => edit.fillTitle('A change I do not want'));
      await app.shell.goTo('dashboard');
      await leave.discardAndLeave();
      await app.dashboard.waitUntilShown();
      expect(await api.call('drafts.get', { messageId: saved!.id })).toBeNull();
      await app.goTo('messages');
      const asksForDraft = ui.page.waitForResponse((r) => r.url().endsWith('/api/rpc/drafts.get'));
      const reopenedSaved = await app.messages.open(`${TITLE}, closed`);
      await asksForDraft;
      expect(await reopenedSaved.title().inputValue()).toBe(`${TITLE}, closed`);
      expect(await reopenedSaved.restoreDialog().count()).toBe(0);

      expect(session.problems()).toEqual([]);
    },
  );

  it('keeps the changes made just before locking, and offers them after unlocking', { timeout: 120_000 }, async () => {
    const session = await e2e.start();
    const { app, ui } = session;
    await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
    await app.dashboard.waitUntilShown();
    const editor = await (await app.goTo('messages')).newMessage();
    await editor.fillBody(BODY);
    await editor.fillTitle(TITLE); // and lock at once, without waiting for the pause in typing
    await app.shell.lock();
    await app.unlock.unlockWith(PASSWORD);
    const reopened = new MessageEditor(ui, 'new');
    await reopened.restoreDialog().waitFor();
    await reopened.restoreDraft();
    expect(await reopened.title().inputValue()).toBe(TITLE);
    await expect.poll(() => reopened.body().innerText()).toBe(BODY);
    expect(session.problems()).toEqual([]);
  });
});
