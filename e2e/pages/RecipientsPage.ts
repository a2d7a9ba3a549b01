// Recipients: the address book, and the form that adds to it.
import type { Locator } from 'playwright-core';
import type { TextKey } from '../support/texts.js';
import { Screen } from './Screen.js';

export class RecipientsPage extends Screen {
  protected readonly title: TextKey = 'recipients:title';

  /** The address book's row for `contact`. */
  row(contact: string): Locator {
    return this.page.getByRole('table').getByRole('row').filter({ hasText: contact });
  }

  /** Adds someone reached by e-mail; resolves once they are in the address book. */
  async addByEmail(name: string, email: string): Promise<void> {
    const form = this.region('recipients:form.title');
    await this.chooseSegment(
      form.getByRole('radiogroup', { name: this.t('recipients:form.type'), exact: true }),
      this.t('recipients:type.email'),
    );
    await this.textbox(form, 'recipients:form.name').fill(name);
    await this.textbox(form, 'recipients:form.email').fill(email);
    await this.clickForRpc(this.button(form, 'recipients:form.add'), 'recipients.create');
    await this.row(email).waitFor();
  }

  /** The dialog open on the page (edit, or delete), by its title. */
  dialog(key: 'recipients:edit.title' | 'recipients:delete.title' | 'recipients:delete.inUseTitle'): Locator {
    return this.page.getByRole('dialog', { name: this.t(key), exact: true });
  }

  /** Opens the pencil in a recipient's row; resolves with the edit dialog. */
  async openEdit(contact: string, name: string): Promise<Locator> {
    await this.button(this.row(contact), 'recipients:edit.label', { name }).click();
    const dialog = this.dialog('recipients:edit.title');
    await dialog.waitFor();
    return dialog;
  }

  /** Renames a recipient through the edit dialog; resolves once the row shows the new name. */
  async rename(contact: string, from: string, to: string): Promise<void> {
    const dialog = await this.openEdit(contact, from);
    await this.textbox(dialog, 'recipients:form.name').fill(to);
    await this.clickForRpc(this.button(dialog, 'recipients:edit.save'), 'recipients.update');
    await this.row(contact).filter({ hasText: to }).waitFor();
  }

  /** Clicks the bin in a recipient's row; resolves with the dialog it opens. */
  async askToDelete(contact: string, name: string, dialog: Parameters<RecipientsPage['dialog']>[0]): Promise<Locator> {
    await this.button(this.row(contact), 'recipients:delete.label', { name }).click();
    const shown = this.dialog(dialog);
    await shown.waitFor();
    return shown;
  }
}
