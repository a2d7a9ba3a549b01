// Security: password, automatic lock, unattended delivery, recovery key, two-step sign-in, sign-in history.
import type { Locator } from 'playwright-core';
import type { TextKey } from '../support/texts.js';
import { Screen } from './Screen.js';

export class SecurityPage extends Screen {
  protected readonly title: TextKey = 'security:title';

  /** The sign-in history card (read from the audit log). */
  loginHistory(): Locator {
    return this.region('security:logins.title');
  }

  /** The two-step sign-in card. */
  twoStep(): Locator {
    return this.region('security:twoStep.title');
  }

  /** Starts the set-up; resolves with the secret shown as text once the QR code is drawn. */
  async startTwoStep(): Promise<{ secret: string; recoveryCodes: string[] }> {
    await this.clickForRpc(this.button(this.twoStep(), 'security:twoStep.enable'), 'mfa.enable');
    await this.twoStep()
      .getByRole('img', { name: this.t('security:twoStep.qrAlt'), exact: true })
      .waitFor();
    const secret = (await this.twoStep().getByTestId('mfa-secret').innerText()).trim();
    const recoveryCodes = (
      await this.twoStep().getByTestId('mfa-recovery-codes').getByRole('listitem').allInnerTexts()
    ).map((c) => c.trim());
    return { secret, recoveryCodes };
  }

  /** Types the authenticator's first code and turns two-step sign-in on. */
  async confirmTwoStep(code: string): Promise<void> {
    await this.textbox(this.twoStep(), 'security:twoStep.firstCode').fill(code);
    await this.clickForRpc(this.button(this.twoStep(), 'security:twoStep.confirm'), 'mfa.confirm');
    await this.twoStep().getByText(this.t('security:twoStep.on'), { exact: true }).waitFor();
  }

  /** Rows of the sign-in history recording a wrong password. */
  wrongPasswordRows(): Locator {
    return this.loginHistory()
      .getByRole('row')
      .filter({ hasText: this.t('common:audit.unlockFailed') });
  }
}
