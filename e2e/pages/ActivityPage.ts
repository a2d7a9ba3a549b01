// Activity: the tamper-evident audit log, and its check.
import type { Locator } from 'playwright-core';
import type { TextKey } from '../support/texts.js';
import { Screen } from './Screen.js';

export class ActivityPage extends Screen {
  protected readonly title: TextKey = 'activity:title';

  table(): Locator {
    return this.page.getByRole('table', { name: this.t('activity:tableLabel'), exact: true });
  }

  /** "Verify the log"; resolves with whether it says the log is intact. */
  async verifyLog(): Promise<boolean> {
    await this.button(this.page, 'activity:verify.button').click();
    const intact = this.page.getByText(this.t('activity:verify.ok'), { exact: true });
    const broken = this.page.getByText(this.t('activity:verify.brokenBody'), { exact: true });
    await intact.or(broken).first().waitFor();
    return intact.isVisible();
  }
}
