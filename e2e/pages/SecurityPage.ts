// Security: password, automatic lock, unattended delivery, recovery key, sign-in history.
import type { Locator } from 'playwright-core';
import { Screen } from './Screen.js';

export class SecurityPage extends Screen {
  heading(): Locator {
    return this.h1('security:title');
  }

  /** The sign-in history card (read from the audit log). */
  loginHistory(): Locator {
    return this.region('security:logins.title');
  }

  /** Rows of the sign-in history recording a wrong password. */
  wrongPasswordRows(): Locator {
    return this.loginHistory().getByRole('row').filter({ hasText: this.t('common:audit.unlockFailed') });
  }
}
