// A new runner's vault is created from the link `serve` printed (…/?setup=TOKEN), not by whoever
// opens the plain address first: the token leaves the address bar, survives a refresh, and a tab
// without it is told where the link is.
import { expect, it } from 'vitest';
import { App } from './pages/App.js';
import { describeE2E } from './support/env.js';
import { PASSWORD, useE2E } from './support/fixture.js';

describeE2E('the setup link', () => {
  const e2e = useE2E();

  it(
    'creates the vault only from the printed link; the token leaves the address bar and survives a refresh',
    { timeout: 120_000 },
    async () => {
      const session = await e2e.start();
      const { app, page, ui, context, runner } = session;
      await app.firstRun.waitUntilShown();
      expect(page.url()).not.toContain('setup=');
      expect(await app.firstRun.alert('firstRun:password.setupLinkTitle').count()).toBe(0);

      // Another tab at the plain address: told to open the printed link, and creating is refused.
      const other = await context.newPage();
      try {
        await other.goto(runner.url);
        const stranger = new App({ page: other, texts: ui.texts });
        await stranger.firstRun.alert('firstRun:password.setupLinkTitle').waitFor();
        await stranger.firstRun.choosePassword(PASSWORD);
        await other.getByRole('button', { name: ui.texts.t('firstRun:password.create'), exact: true }).click();
        await other.getByText(ui.texts.t('errors:code.SETUP_TOKEN_REQUIRED'), { exact: true }).waitFor();
        await stranger.firstRun.step('firstRun:password.title').waitFor();
      } finally {
        await other.close();
      }

      // The owner's tab, refreshed before creating: the token was kept for it.
      await page.reload();
      await app.firstRun.choosePassword(PASSWORD);
      await app.firstRun.createVault();
      expect(await app.firstRun.readRecoveryKey()).toMatch(/\w/);
      expect(session.problems()).toEqual([]);
    },
  );
});
