// The editor of one message: title, rich-text body, recipients, plan, status, attachments.
import type { Locator } from 'playwright-core';
import { PageObject, type Ui } from './Screen.js';

export interface FileToAttach {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export class MessageEditor extends PageObject {
  constructor(
    ui: Ui,
    private readonly mode: 'new' | 'edit',
  ) {
    super(ui);
  }

  root(): Locator {
    const label = this.mode === 'new' ? this.t('messages:editor.newLabel') : this.t('messages:editor.editLabel');
    return this.page.getByRole('region', { name: label, exact: true });
  }

  async waitUntilShown(): Promise<void> {
    await this.textbox(this.root(), 'messages:editor.title').waitFor();
  }

  async fillTitle(title: string): Promise<void> {
    await this.textbox(this.root(), 'messages:editor.title').fill(title);
  }

  title(): Locator {
    return this.textbox(this.root(), 'messages:editor.title');
  }

  body(): Locator {
    return this.textbox(this.root(), 'messages:editor.body');
  }

  /** Makes a change, and resolves once it is kept as an encrypted draft ("Unsaved changes kept at …"). */
  async keptAfter(change: () => Promise<void>): Promise<void> {
    const kept = this.page.waitForResponse((r) => r.url().endsWith('/api/rpc/drafts.save') && r.ok());
    await change();
    await kept;
    await this.root().getByText(this.ui.texts.pattern('messages:editor.kept', 'time')).waitFor();
  }

  /** "Restore unsaved changes?", shown when the editor opens on a draft left from before. */
  restoreDialog(): Locator {
    return this.page.getByRole('dialog', { name: this.t('messages:restore.title'), exact: true });
  }

  async restoreDraft(): Promise<void> {
    await this.button(this.restoreDialog(), 'messages:restore.restore').click();
    await this.restoreDialog().waitFor({ state: 'detached' });
  }

  /** Types the text into the rich-text body (paragraphs separated by blank lines). */
  async fillBody(text: string): Promise<void> {
    const body = this.textbox(this.root(), 'messages:editor.body');
    await body.click();
    await body.fill(text);
  }

  /** Picks a recipient from the address book by the label the picker shows ("Name <address>"). */
  async addRecipient(label: string): Promise<void> {
    await this.choose(this.combobox(this.root(), 'messages:editor.recipients'), label);
  }

  async choosePlan(name: string): Promise<void> {
    await this.choose(this.combobox(this.root(), 'messages:editor.plan'), name);
  }

  /** Adds files through "Add files" (the system file picker, answered by the test). */
  async attach(...files: FileToAttach[]): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.button(this.root(), 'messages:attachments.add').click();
    await (await chooser).setFiles(files);
    // While a file is on its way its row offers "Cancel the upload"; once there, "Remove".
    for (const file of files)
      await this.button(this.root(), 'messages:attachments.remove', { name: file.name }).waitFor();
  }

  /** An attachment stored with the message (it offers a download). */
  storedAttachment(name: string): Locator {
    return this.button(this.root(), 'messages:attachments.download', { name });
  }

  /** Clicks the save button only (for a form the editor refuses before anything is sent). */
  async clickSave(): Promise<void> {
    await this.button(this.root(), this.mode === 'new' ? 'messages:editor.create' : 'messages:editor.save').click();
  }

  /** Saves; resolves once the message is saved (a new one then opens as stored: `MessagesPage.open`). */
  async save(): Promise<void> {
    const [key, method] =
      this.mode === 'new'
        ? (['messages:editor.create', 'messages.create'] as const)
        : (['messages:editor.save', 'messages.update'] as const);
    await this.clickForRpc(this.button(this.root(), key), method);
    await this.alert('messages:editor.saved').first().waitFor();
  }

  /** The entries the plan picker offers, in order. */
  async planOptions(): Promise<string[]> {
    const field = this.combobox(this.root(), 'messages:editor.plan');
    await field.click();
    const options = this.page.getByRole('option');
    await options.first().waitFor();
    const names = await options.allInnerTexts();
    await field.press('Escape');
    return names.map((n) => n.trim());
  }

  /** Opens "Preview e-mail"; resolves with the dialog. */
  async preview(): Promise<Locator> {
    await this.button(this.root(), 'messages:preview.button').click();
    const dialog = this.page.getByRole('dialog', { name: this.t('messages:preview.title'), exact: true });
    await dialog.getByTestId('preview-footer').waitFor();
    return dialog;
  }
}
