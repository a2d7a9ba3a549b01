// What every page object shares: the page, the texts of the language the UI is in, and a few
// lookups by accessible role and name (the words come from the i18n bundles, never from here).
import type { Locator, Page } from 'playwright-core';
import type { MethodName } from '../../shared/contract/methods.js';
import type { TextKey, Texts, TextValues } from '../support/texts.js';

/** The browser page and the language the UI currently speaks (switching language updates `texts`). */
export interface Ui {
  page: Page;
  texts: Texts;
}

export abstract class PageObject {
  constructor(protected readonly ui: Ui) {}

  protected get page(): Page {
    return this.ui.page;
  }

  protected t(key: TextKey, values?: TextValues): string {
    return this.ui.texts.t(key, values);
  }

  /** A text field (password fields included) by its label. */
  protected textbox(scope: Page | Locator, key: TextKey, values?: TextValues): Locator {
    return scope.getByRole('textbox', { name: this.t(key, values), exact: true });
  }

  /** A Mantine Select or MultiSelect by its label. */
  protected combobox(scope: Page | Locator, key: TextKey, values?: TextValues): Locator {
    return scope.getByRole('combobox', { name: this.t(key, values), exact: true });
  }

  protected button(scope: Page | Locator, key: TextKey, values?: TextValues): Locator {
    return scope.getByRole('button', { name: this.t(key, values), exact: true });
  }

  /** A section (a card with a title) by its title. */
  protected region(key: TextKey, values?: TextValues): Locator {
    return this.page.getByRole('region', { name: this.t(key, values), exact: true });
  }

  /** Picks `option` in a Mantine Select or MultiSelect, then closes its list. */
  protected async choose(field: Locator, option: string): Promise<void> {
    const item = this.page.getByRole('option', { name: option, exact: true });
    // Once in a full run the list did not show after the click (the option never appeared in
    // 15 s): the list is closed and opened again, up to three times, before the test gives up.
    for (let attempt = 1; ; attempt++) {
      await field.click();
      try {
        await item.click({ timeout: 5_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await field.press('Escape');
      }
    }
    await field.press('Escape');
  }

  /** Picks a segment of a Mantine SegmentedControl (its radio inputs are hidden; the labels take the click). */
  protected async chooseSegment(group: Locator, label: string): Promise<void> {
    await group.getByText(label, { exact: true }).click();
    await group.getByRole('radio', { name: label, exact: true, checked: true }).waitFor({ state: 'attached' });
  }

  /** Clicks, and resolves once the runner has answered the RPC call the click makes; fails if it refused. */
  protected async clickForRpc(target: Locator, method: MethodName): Promise<void> {
    const answered = this.page.waitForResponse((response) => response.url().endsWith(`/api/rpc/${method}`));
    await target.click();
    const response = await answered;
    if (!response.ok()) throw new Error(`${method} was refused: HTTP ${response.status()} ${await response.text()}`);
  }

  /** An alert (a notification, or an alert box on the screen) saying `key`. */
  alert(key: TextKey, values?: TextValues): Locator {
    return this.page.getByRole('alert').filter({ hasText: this.t(key, values) });
  }
}

/** A screen of the app, known by its title. */
export abstract class Screen extends PageObject {
  /** The key of the screen's title. */
  protected abstract readonly title: TextKey;

  /** The screen's title, its only h1. */
  heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: this.t(this.title), exact: true });
  }

  async waitUntilShown(): Promise<void> {
    await this.heading().waitFor();
  }
}
