// First run: password → recovery key (shown once, one group typed back) → owner e-mail → test warning.
import type { Locator } from 'playwright-core';
import type { TextKey } from '../support/texts.js';
import { Screen } from './Screen.js';

export type FirstRunStep =
  'firstRun:password.title' | 'firstRun:recovery.title' | 'firstRun:owner.title' | 'firstRun:test.title';

/** Creating the vault derives a key: allow it more than the default wait. */
const CREATE_TIMEOUT_MS = 30_000;

export class FirstRunPage extends Screen {
  protected readonly title: TextKey = 'firstRun:title';

  step(key: FirstRunStep): Locator {
    return this.page.getByRole('heading', { level: 2, name: this.t(key), exact: true });
  }

  async choosePassword(password: string): Promise<void> {
    await this.step('firstRun:password.title').waitFor();
    await this.textbox(this.page, 'common:password.new').fill(password);
    await this.textbox(this.page, 'common:password.repeat').fill(password);
  }

  /** "Keep warnings and deliveries going after a restart": unattended delivery, ticked by default. */
  unattendedCheckbox(): Locator {
    return this.page.getByRole('checkbox', { name: this.t('firstRun:password.unattended'), exact: true });
  }

  /** The buttons that save or print the recovery key's emergency sheet. */
  sheetButtons(): Locator[] {
    return [this.button(this.page, 'firstRun:recovery.saveFile'), this.button(this.page, 'firstRun:recovery.print')];
  }

  async skipOwner(): Promise<void> {
    await this.button(this.page, 'firstRun:owner.skip').click();
    await this.step('firstRun:test.title').waitFor();
  }

  /** Creates the vault with the chosen password; resolves on the recovery-key step. */
  async createVault(): Promise<void> {
    await this.button(this.page, 'firstRun:password.create').click();
    await this.step('firstRun:recovery.title').waitFor({ timeout: CREATE_TIMEOUT_MS });
  }

  /** The recovery key as shown, its groups joined by '-'. */
  async readRecoveryKey(): Promise<string> {
    const key = this.page.getByRole('group', { name: this.t('firstRun:recovery.keyLabel'), exact: true });
    const groups = await key.locator('[data-group]').allTextContents();
    if (groups.length === 0) throw new Error('no recovery key groups are shown');
    return groups.map((g) => g.trim()).join('-');
  }

  /** Ticks "I have written it down", types back the group asked for, and continues. */
  async confirmRecoveryKey(recoveryKey: string): Promise<void> {
    await this.page.getByRole('checkbox', { name: this.t('firstRun:recovery.writtenDown'), exact: true }).check();
    const asked = this.ui.texts.pattern('firstRun:recovery.typeGroup', 'number', '\\d+');
    const field = this.page.getByRole('textbox', { name: asked });
    const label = (await this.page.getByText(asked).textContent()) ?? '';
    const number = Number(asked.exec(label.trim())?.[1]);
    const group = recoveryKey.split('-')[number - 1];
    if (group === undefined)
      throw new Error(`the screen asks for group "${label}" of a key with ${recoveryKey.split('-').length} groups`);
    await field.fill(group);
    await this.button(this.page, 'firstRun:recovery.continue').click();
    await this.step('firstRun:owner.title').waitFor();
  }

  async fillOwner(email: string, name: string): Promise<void> {
    await this.textbox(this.page, 'firstRun:owner.email').fill(email);
    await this.textbox(this.page, 'firstRun:owner.name').fill(name);
  }

  async saveOwner(): Promise<void> {
    await this.button(this.page, 'firstRun:owner.save').click();
    await this.step('firstRun:test.title').waitFor();
  }

  /** Sends a desktop test warning; resolves once the result says it was sent. */
  async sendDesktopTest(): Promise<void> {
    await this.button(this.page, 'firstRun:test.desktop').click();
    const channel = this.t('firstRun:test.desktopName');
    await this.page
      .getByRole('status')
      .filter({ hasText: this.t('firstRun:test.ok', { channel }) })
      .waitFor();
  }

  /** Opens the mail server form inside the test step (then fill it as on Channels: the same card). */
  async openMailServerForm(): Promise<void> {
    await this.button(this.page, 'firstRun:test.setUpMail').click();
  }

  /** Sends an e-mail test warning; resolves with whether the result says it passed. */
  async sendEmailTest(): Promise<boolean> {
    const channel = this.t('firstRun:test.emailName');
    await this.button(this.page, 'firstRun:test.email').click();
    const passed = this.page.getByRole('status').filter({ hasText: this.t('firstRun:test.ok', { channel }) });
    const failed = this.page.getByRole('status').filter({ hasText: this.t('firstRun:test.failed', { channel }) });
    await passed.or(failed).first().waitFor();
    return passed.isVisible();
  }

  async finish(): Promise<void> {
    await this.button(this.page, 'firstRun:test.finish').click();
  }

  /** The whole first run: returns the recovery key. */
  async complete(options: {
    password: string;
    ownerEmail: string;
    ownerName: string;
    unattended?: boolean;
  }): Promise<string> {
    await this.waitUntilShown();
    await this.choosePassword(options.password);
    if (options.unattended === false) await this.unattendedCheckbox().uncheck();
    await this.createVault();
    const recoveryKey = await this.readRecoveryKey();
    await this.confirmRecoveryKey(recoveryKey);
    await this.fillOwner(options.ownerEmail, options.ownerName);
    await this.saveOwner();
    await this.finish();
    return recoveryKey;
  }
}
