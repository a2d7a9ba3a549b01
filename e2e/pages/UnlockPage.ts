// The lock screen: the password, the wait after wrong passwords, and the recovery key.
import type { Locator } from 'playwright-core';
import type { TextKey } from '../support/texts.js';
import { Screen } from './Screen.js';

const MAX_WRONG_PASSWORDS = 10;

export class UnlockPage extends Screen {
  protected readonly title: TextKey = 'unlock:title';

  private unlockButton(): Locator {
    return this.button(this.page, 'unlock:unlock');
  }

  /** Whether warnings and deliveries run while the UI is locked: its title says which. */
  watchingNotice(running: boolean): Locator {
    return this.page
      .getByRole('status')
      .filter({ hasText: this.t(running ? 'common:lock.running' : 'common:lock.stopped') });
  }

  /** The countdown shown while wrong passwords make the next try wait. */
  lockoutNotice(): Locator {
    return this.page.getByRole('timer').filter({ hasText: this.t('unlock:lockedOut.title') });
  }

  wrongPasswordError(): Locator {
    return this.page.getByText(this.t('errors:code.WRONG_PASSWORD'), { exact: true });
  }

  /** One wrong password; resolves once the answer is on screen (the error, or the wait). */
  async tryWrongPassword(password: string): Promise<void> {
    await this.textbox(this.page, 'unlock:password').fill(password);
    const answered = this.page.waitForResponse((response) => response.url().endsWith('/api/rpc/vault.unlock'));
    await this.unlockButton().click();
    await answered;
    // The form asks how long the next try must wait before it lets go of the button.
    await this.unlockButton().and(this.page.locator(':not([data-loading])')).waitFor();
    await this.wrongPasswordError().or(this.lockoutNotice()).first().waitFor();
  }

  /** A vault older than the one this computer last saw: what that means. */
  olderCopyNotice(): Locator {
    return this.page.getByRole('alert').filter({ hasText: this.t('unlock:olderCopy.title') });
  }

  /** "This was a deliberate restore — open it", with the password; resolves once the lock screen is gone. */
  async openOlderCopy(password: string): Promise<void> {
    await this.textbox(this.page, 'unlock:password').fill(password);
    await this.clickForRpc(this.button(this.page, 'unlock:olderCopy.open'), 'vault.unlock');
    await this.heading().waitFor({ state: 'detached' });
  }

  /** Unlocks with the right password; resolves once the lock screen is gone. */
  async unlockWith(password: string): Promise<void> {
    await this.textbox(this.page, 'unlock:password').fill(password);
    await this.clickForRpc(this.unlockButton(), 'vault.unlock');
    await this.heading().waitFor({ state: 'detached' });
  }

  /** The field for the authenticator's code, shown once the runner asks for it (two-step sign-in). */
  codeField(): Locator {
    return this.textbox(this.page, 'unlock:code');
  }

  /** The password alone: with two-step sign-in on, the screen then asks for the code. */
  async submitPasswordExpectingCode(password: string): Promise<void> {
    await this.textbox(this.page, 'unlock:password').fill(password);
    await this.unlockButton().click();
    await this.codeField().waitFor();
  }

  /** Enters the code (the password is still filled in) and unlocks; resolves once the lock screen is gone. */
  async unlockWithCode(code: string): Promise<void> {
    await this.codeField().fill(code);
    await this.clickForRpc(this.unlockButton(), 'vault.unlock');
    await this.heading().waitFor({ state: 'detached' });
  }

  /** Wrong passwords until the screen makes the next try wait; returns how many it took. */
  async tryWrongPasswordsUntilLockedOut(): Promise<number> {
    for (let tries = 1; tries <= MAX_WRONG_PASSWORDS; tries++) {
      await this.tryWrongPassword(`not the password ${tries}`);
      if (await this.lockoutNotice().isVisible()) return tries;
    }
    throw new Error(`still no wait after ${MAX_WRONG_PASSWORDS} wrong passwords`);
  }

  async switchToRecovery(): Promise<void> {
    await this.chooseSegment(
      this.page.getByRole('radiogroup', { name: this.t('unlock:modeLabel'), exact: true }),
      this.t('unlock:mode.recovery'),
    );
    await this.textbox(this.page, 'unlock:recovery.key').waitFor();
  }

  async fillRecovery(recoveryKey: string, newPassword: string): Promise<void> {
    await this.textbox(this.page, 'unlock:recovery.key').fill(recoveryKey);
    await this.textbox(this.page, 'unlock:recovery.newPassword').fill(newPassword);
    await this.textbox(this.page, 'common:password.repeat').fill(newPassword);
  }

  /** Unlocks with the recovery key and sets the new password. */
  async submitRecovery(): Promise<void> {
    await this.button(this.page, 'unlock:recovery.submit').click();
    await this.heading().waitFor({ state: 'detached' });
  }
}
