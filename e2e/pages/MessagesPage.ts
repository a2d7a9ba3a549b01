// Messages: the searchable list on the left, the editor of the chosen message on the right.
import type { Locator } from 'playwright-core';
import { MessageEditor } from './MessageEditor.js';
import type { TextKey } from '../support/texts.js';
import { Screen } from './Screen.js';

export class MessagesPage extends Screen {
  protected readonly title: TextKey = 'messages:title';

  list(): Locator {
    return this.page.getByRole('list', { name: this.t('messages:list.label'), exact: true });
  }

  /** The list's row of a message, by title. */
  row(title: string): Locator {
    return this.list().getByRole('listitem').filter({ hasText: title });
  }

  async newMessage(): Promise<MessageEditor> {
    await this.button(this.page, 'messages:new').click();
    const editor = new MessageEditor(this.ui, 'new');
    await editor.waitUntilShown();
    return editor;
  }

  async open(title: string): Promise<MessageEditor> {
    await this.row(title).getByRole('button').click();
    const editor = new MessageEditor(this.ui, 'edit');
    await editor.waitUntilShown();
    return editor;
  }
}
