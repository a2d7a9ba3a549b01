import type { RepoContext } from './repo-context.js';
import { IntegrityError } from '../errors.js';
import type { FieldCipher } from './field-cipher.js';
import type { MessageSummary } from './message-types.js';

/** The message list: pages and searches of summaries, newest first, with only titles decrypted. */
export class MessageSummaries {
  constructor(
    private readonly ctx: RepoContext,
    private readonly cipher: FieldCipher<'title' | 'body_text' | 'body_html'>,
  ) {}

  /** Newest first. Decrypts only the titles of the page asked for. */
  list(options: { limit?: number; offset?: number } = {}): { items: MessageSummary[]; total: number } {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const offset = Math.max(options.offset ?? 0, 0);
    const { db } = this.ctx;
    const total = db.q.get(db.kysely.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')))?.n ?? 0;
    return { total, items: this.summaryRows({ limit, offset }) };
  }

  /** Summaries with their counts, newest first: a page of all messages, or the ones named. */
  private summaryRows(which: { limit: number; offset: number } | { ids: readonly string[] }): MessageSummary[] {
    const { db } = this.ctx;
    if ('ids' in which && which.ids.length === 0) return [];
    const query = db.kysely
      .selectFrom('messages as m')
      .select((eb) => [
        'm.id',
        'm.title',
        'm.status',
        'm.created_at',
        'm.updated_at',
        eb
          .selectFrom('message_recipients as mr')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('mr.message_id', '=', 'm.id')
          .as('recipient_count'),
        eb
          .selectFrom('attachments as a')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('a.message_id', '=', 'm.id')
          .as('attachment_count'),
      ])
      .orderBy('m.updated_at', 'desc')
      .orderBy('m.id', 'desc');
    const narrowed =
      'ids' in which ? query.where('m.id', 'in', which.ids) : query.limit(which.limit).offset(which.offset);
    return db.q.all(narrowed).map((row) => ({
      id: row.id,
      ...this.readableTitle(row.id, row.title),
      status: row.status,
      recipientCount: row.recipient_count ?? 0,
      attachmentCount: row.attachment_count ?? 0,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  /**
   * Titles are encrypted, so search decrypts them (one pass, newest first) and matches in memory;
   * only the page asked for is returned with its counts.
   */
  search(query: string, options: { limit?: number; offset?: number } = {}): { items: MessageSummary[]; total: number } {
    const needle = query.trim().toLocaleLowerCase();
    if (!needle) return this.list(options);
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const offset = Math.max(options.offset ?? 0, 0);
    const { db } = this.ctx;
    const rows = db.q.all(
      db.kysely.selectFrom('messages').select(['id', 'title']).orderBy('updated_at', 'desc').orderBy('id', 'desc'),
    );
    const matches = rows.filter((row) =>
      this.readableTitle(row.id, row.title).title.toLocaleLowerCase().includes(needle),
    );
    const page = matches.slice(offset, offset + limit).map((row) => row.id);
    const summaries = new Map(this.summaryRows({ ids: page }).map((m) => [m.id, m]));
    return { total: matches.length, items: page.flatMap((id) => summaries.get(id) ?? []) };
  }

  /**
   * A title for a list: one damaged row must not hide every other message, so it is listed as
   * damaged (with what is wrong) instead of failing the whole list. Locked and other errors still throw.
   */
  readableTitle(id: string, sealed: Uint8Array): { title: string; damaged?: string } {
    try {
      return { title: this.cipher.open('title', id, sealed) };
    } catch (error) {
      if (error instanceof IntegrityError) return { title: '', damaged: error.message };
      throw error;
    }
  }
}
