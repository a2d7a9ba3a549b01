// The screens say what is true, in words: recipients show the messages that use them (and a delete
// that cannot happen names them), the preview shows the e-mail the delivery composes, plans flag
// channels that are not set up and list what they deliver, the activity log reads without ids or
// internal keys, and a runner that stops answering is one clear banner, not a stale "running".
import { expect, it } from 'vitest';
import { LETTER_EN } from '../shared/delivery-letter.js';
import { seriousViolations } from './support/accessibility.js';
import { describeE2E } from './support/env.js';
import { OWNER, PASSWORD, useE2E } from './support/fixture.js';

const ALICE = { name: 'Alice Liddell', email: 'alice@example.com' };
const LETTER = {
  title: 'For Alice',
  body: 'To do:\n\nCall the bank\n\nFeed the cat',
  bodyHtml: '<p>To do:</p><ul><li><p>Call the bank</p></li><li><p>Feed the cat</p></li></ul><p></p><p></p><p>Love</p>',
};

describeE2E('screens that say what is true', () => {
  const e2e = useE2E();

  it('recipients, the preview, plans and activity speak in names and words', { timeout: 120_000 }, async () => {
    const { app, api, page } = await e2e.start();
    await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
    await app.dashboard.waitUntilShown();
    // No mail server and no webhook: the default plan's e-mail and webhook levels lead nowhere yet.
    const alice = await api.call('recipients.create', { name: ALICE.name, type: 'email', contact: ALICE.email });
    const letter = await api.call('messages.create', { ...LETTER, recipientIds: [alice.id] });
    await app.dashboard.checkIn();

    // Recipients: which messages go to them (a link), edited in place, a delete that cannot happen says why.
    const recipients = await app.goTo('recipients');
    const row = recipients.row(ALICE.email);
    await row.getByRole('link', { name: LETTER.title, exact: true }).waitFor();
    await recipients.openEdit(ALICE.email, ALICE.name);
    expect(await seriousViolations(page), 'axe on the edit dialog').toEqual([]);
    await page.keyboard.press('Escape');
    await recipients.dialog('recipients:edit.title').waitFor({ state: 'detached' });
    await recipients.rename(ALICE.email, ALICE.name, 'Alice L.');
    const refusal = await recipients.askToDelete(ALICE.email, 'Alice L.', 'recipients:delete.inUseTitle');
    expect(
      await refusal.getByRole('button', { name: app.ui.texts.t('recipients:delete.confirm'), exact: true }).count(),
    ).toBe(0);
    expect(await seriousViolations(page), 'axe on the refused delete').toEqual([]);
    await refusal.getByRole('link', { name: LETTER.title, exact: true }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/messages/${letter.id}`);

    // The preview: the delivery's own subject, footer and plain-text part (bullets, no blank runs).
    const editor = await app.messages.open(LETTER.title);
    // One entry for the default plan, named as the reader's language names it.
    expect(await editor.planOptions()).toEqual([app.ui.texts.t('messages:editor.defaultPlan')]);
    const preview = await editor.preview();
    expect(await preview.getByTestId('preview-footer').innerText()).toBe(LETTER_EN.footer(OWNER.name));
    expect(await seriousViolations(page), 'axe on the preview').toEqual([]);
    await preview.getByRole('tab', { name: app.ui.texts.t('messages:preview.plain'), exact: true }).click();
    const text = await preview.getByTestId('preview-text').innerText();
    expect(text).toContain('To do:\n\n- Call the bank\n- Feed the cat\n\nLove\n\n-- \n');
    expect(text).not.toMatch(/\n\s*\n\s*\n/);
    await page.keyboard.press('Escape');

    // Plans: the default plan's webhook levels fall back, and it says what it delivers to whom.
    const plans = await app.goTo('plans');
    const card = plans.card(app.ui.texts.t('plans:defaultName'));
    const gaps = card.getByTestId('level-gaps');
    await gaps.first().waitFor();
    expect(await gaps.allInnerTexts()).toContainEqual(expect.stringContaining(app.ui.texts.t('plans:gaps.noWebhooks')));
    expect(await gaps.allInnerTexts()).toContainEqual(
      expect.stringContaining(app.ui.texts.t('plans:gaps.noMailServer')),
    );
    const deliveries = card.getByTestId('plan-deliveries');
    await deliveries.getByRole('link', { name: LETTER.title, exact: true }).waitFor();
    expect(await deliveries.innerText()).toContain('Alice L.');

    // Activity: names and words, never ids or internal keys.
    const activity = await app.goTo('activity');
    await activity.table().getByText(`Message “${LETTER.title}”`, { exact: true }).first().waitFor();
    await activity.table().getByText(app.ui.texts.t('activity:source.app'), { exact: false }).first().waitFor();
    expect(await activity.table().innerText()).not.toMatch(
      /pln_|msg_|rcp_|obx_|scryptLogN|deliverySigningSecret|http:owner|source:/,
    );
  });

  it(
    'a runner that stops answering is one banner, the scheduler "unknown", and it clears when it answers again',
    { timeout: 90_000 },
    async () => {
      const { app, context, page } = await e2e.start({ language: 'zh-CN' });
      await app.firstRun.complete({ password: PASSWORD, ownerEmail: OWNER.email, ownerName: OWNER.name });
      await app.dashboard.waitUntilShown();
      const scheduler = page.getByRole('region', { name: app.ui.texts.t('dashboard:scheduler.title'), exact: true });
      await scheduler.getByText(app.ui.texts.t('dashboard:scheduler.running'), { exact: true }).waitFor();

      await context.setOffline(true);
      await app.dashboard.checkinCard().getByRole('button').first().click();
      await app.shell.connectionLost().waitFor();
      await scheduler.getByText(app.ui.texts.t('common:connection.unknown'), { exact: true }).waitFor();
      expect(await page.getByText('Failed to fetch').count(), 'no raw network error on screen').toBe(0);
      expect(
        await page
          .getByRole('alert')
          .filter({ hasText: app.ui.texts.t('errors:title') })
          .count(),
        'no error toast per call',
      ).toBe(0);
      expect(await seriousViolations(page), 'axe with the banner').toEqual([]);

      // "Try again now" while still offline: the banner stays, still no toast.
      const retried = page.waitForEvent('requestfailed', (request) => request.url().endsWith('/api/rpc/vault.status'));
      await page.getByRole('button', { name: app.ui.texts.t('common:connection.retry'), exact: true }).click();
      await retried;
      await app.shell.connectionLost().waitFor();
      expect(
        await page
          .getByRole('alert')
          .filter({ hasText: app.ui.texts.t('errors:title') })
          .count(),
      ).toBe(0);

      // Back online: the banner's own retry finds the runner, and the scheduler is known again.
      await context.setOffline(false);
      await app.shell.connectionLost().waitFor({ state: 'detached' });
      await scheduler.getByText(app.ui.texts.t('dashboard:scheduler.running'), { exact: true }).waitFor();
    },
  );
});
