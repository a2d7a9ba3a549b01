// The frame around the screens: navigation, and the language, theme and lock buttons of the header
// (the first-run and unlock screens have the language and theme buttons too).
import type { Locator } from 'playwright-core';
import { textsFor, type Language } from '../support/texts.js';
import { PageObject } from './Screen.js';

export type ScreenId =
  'dashboard' | 'messages' | 'recipients' | 'plans' | 'channels' | 'security' | 'backup' | 'activity';
export type Theme = 'light' | 'dark';

export class AppShell extends PageObject {
  navigation(): Locator {
    return this.page.getByRole('navigation', { name: this.t('common:nav.label'), exact: true });
  }

  /** Follows the navigation link; the screen's page object waits for its heading. */
  async goTo(screen: ScreenId): Promise<void> {
    await this.navigation()
      .getByRole('link', { name: this.t(`common:nav.${screen}`), exact: true })
      .click();
  }

  /** Picks a language from the header menu; page objects speak it from then on. */
  async chooseLanguage(language: Language): Promise<void> {
    await this.button(this.page, 'common:language.label').click();
    await this.page.getByRole('menuitem', { name: this.t(`common:language.${language}`), exact: true }).click();
    this.ui.texts = await textsFor(language);
    await this.page.locator(`html[lang="${language}"]`).waitFor({ state: 'attached' });
  }

  /** Picks light or dark from the header menu (the choice is kept in localStorage). */
  async chooseTheme(theme: Theme): Promise<void> {
    await this.button(this.page, 'common:theme.label').click();
    await this.page.getByRole('menuitem', { name: this.t(`common:theme.${theme}`), exact: true }).click();
    await this.page.locator(`html[data-mantine-color-scheme="${theme}"]`).waitFor({ state: 'attached' });
  }

  /** Closes every toast (each has a close button named in the current language). */
  async dismissNotifications(): Promise<void> {
    const close = this.page
      .getByRole('alert')
      .getByRole('button', { name: this.t('common:actions.close'), exact: true });
    // A toast may still be sliding in (never "stable"), or close by itself meanwhile: click without
    // waiting for it to settle, and look again until none is left.
    for (let round = 0; round < 20 && (await close.count()) > 0; round++) {
      await close
        .first()
        .click({ force: true, timeout: 1_000 })
        .catch(() => undefined);
    }
    await close.first().waitFor({ state: 'detached' });
  }

  /** The banner shown while the core does not answer. */
  connectionLost(): Locator {
    return this.page.getByRole('alert').filter({ hasText: this.t('common:connection.lostTitle') });
  }

  async lock(): Promise<void> {
    await this.clickForRpc(this.button(this.page, 'common:lock.label'), 'vault.lock');
  }
}
