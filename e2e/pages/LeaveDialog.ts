// "Leave without saving?": asked when a screen with unsaved changes is left inside the app.
import type { Locator } from 'playwright-core';
import { PageObject } from './Screen.js';

export class LeaveDialog extends PageObject {
  root(): Locator {
    return this.page.getByRole('dialog', { name: this.t('common:leave.title'), exact: true });
  }

  async stay(): Promise<void> {
    await this.button(this.root(), 'common:leave.stay').click();
    await this.root().waitFor({ state: 'detached' });
  }

  async discardAndLeave(): Promise<void> {
    await this.button(this.root(), 'common:leave.discard').click();
    await this.root().waitFor({ state: 'detached' });
  }
}
