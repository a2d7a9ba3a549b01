// Recipients: the address book, and the form that adds to it.
import type { Locator } from 'playwright-core';
import { Screen } from './Screen.js';

export class RecipientsPage extends Screen {
  heading(): Locator {
    return this.h1('recipients:title');
  }

  /** The address book's row for `contact`. */
  row(contact: string): Locator {
    return this.page.getByRole('table').getByRole('row').filter({ hasText: contact });
  }

  /** Adds someone reached by e-mail; resolves once they are in the address book. */
  async addByEmail(name: string, email: string): Promise<void> {
    const form = this.region('recipients:form.title');
    await this.chooseSegment(form.getByRole('radiogroup', { name: this.t('recipients:form.type'), exact: true }), this.t('recipients:type.email'));
    await this.textbox(form, 'recipients:form.name').fill(name);
    await this.textbox(form, 'recipients:form.email').fill(email);
    await this.clickForRpc(this.button(form, 'recipients:form.add'), 'recipients.create');
    await this.row(email).waitFor();
  }
}
