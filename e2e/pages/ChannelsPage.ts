// Channels: your own address, the mail server (SMTP) and its test, desktop notifications, webhooks.
import type { Locator } from 'playwright-core';
import type { TextKey } from '../support/texts.js';
import { Screen } from './Screen.js';

export interface SmtpForm {
  host: string;
  port: number;
  security: 'starttls' | 'implicit' | 'none';
  from: string;
}

const SECURITY_OPTION = {
  starttls: 'channels:smtp.tlsStarttls',
  implicit: 'channels:smtp.tlsImplicit',
  none: 'channels:smtp.tlsNone',
} as const;

export class ChannelsPage extends Screen {
  protected readonly title: TextKey = 'channels:title';

  smtpCard(): Locator {
    return this.region('channels:smtp.title');
  }

  /** The mail server's host field (filled in once the stored settings are loaded). */
  smtpHost(): Locator {
    return this.textbox(this.smtpCard(), 'channels:smtp.host');
  }

  ownerCard(): Locator {
    return this.region('channels:owner.title');
  }

  /** Fills in the mail server without saving it (no user name: a relay that needs no sign-in). */
  async fillSmtp(form: SmtpForm): Promise<void> {
    const card = this.smtpCard();
    await this.smtpHost().fill(form.host);
    // The security setting moves the port between the usual ones: choose it first.
    await this.choose(this.combobox(card, 'channels:smtp.tls'), this.t(SECURITY_OPTION[form.security]));
    await this.textbox(card, 'channels:smtp.port').fill(String(form.port));
    await this.textbox(card, 'channels:smtp.from').fill(form.from);
  }

  /** Fills in the mail server and saves it. */
  async saveSmtp(form: SmtpForm): Promise<void> {
    await this.fillSmtp(form);
    await this.clickForRpc(this.button(this.smtpCard(), 'channels:smtp.save'), 'channels.setSmtp');
    await this.alert('channels:smtp.saved').first().waitFor();
  }

  /** "Send a test e-mail"; resolves with the outcome once it is shown (its text, for failure messages). */
  async sendSmtpTest(): Promise<{ ok: boolean; text: string }> {
    const card = this.smtpCard();
    await this.button(card, 'channels:smtp.test').click();
    const result = card.getByRole('status');
    await result.waitFor();
    const ok = await card.getByRole('status', { name: this.t('channels:test.ok'), exact: true }).isVisible();
    return { ok, text: (await result.textContent()) ?? '' };
  }

  async sendDesktopTest(): Promise<void> {
    const card = this.region('channels:desktop.title');
    await this.button(card, 'channels:desktop.test').click();
    await card
      .getByRole('status')
      .filter({ hasText: this.t('channels:test.ok') })
      .waitFor();
  }
}
