import { FieldCipher } from './field-cipher.js';
import type { RepoContext } from './repo-context.js';
import { NotFoundError } from '../errors.js';

/** The slot of the message being written that has no id yet. */
export const NEW_MESSAGE_SLOT = 'new';

export interface SavedDraft<T> {
  draft: T;
  savedAt: number;
}

/**
 * Autosaved message drafts, encrypted like every other content and bound to their slot (a
 * message id, or `new`). Not audited: a draft is work in progress, saved on every pause in
 * typing, never history; only saving the message itself is.
 */
export class DraftsRepo {
  private readonly cipher: FieldCipher<'content'>;

  constructor(private readonly ctx: RepoContext) {
    this.cipher = new FieldCipher(ctx.key, 'drafts');
  }

  get<T>(messageId: string | null): SavedDraft<T> | null {
    const { db } = this.ctx;
    const slot = messageId ?? NEW_MESSAGE_SLOT;
    const row = db.q.get(db.kysely.selectFrom('drafts').selectAll().where('slot', '=', slot));
    return row
      ? { draft: JSON.parse(this.cipher.open('content', slot, row.content)) as T, savedAt: row.updated_at }
      : null;
  }

  /** Saves (replaces) the draft of a message; refused for a message that does not exist. */
  save(messageId: string | null, draft: unknown): { savedAt: number } {
    const { db, clock } = this.ctx;
    const slot = messageId ?? NEW_MESSAGE_SLOT;
    const content = this.cipher.seal('content', slot, JSON.stringify(draft));
    const now = clock.now();
    db.q.transaction(() => {
      if (messageId && !db.q.get(db.kysely.selectFrom('messages').select('id').where('id', '=', messageId)))
        throw new NotFoundError('message', messageId);
      db.q.run(
        db.kysely
          .insertInto('drafts')
          .values({ slot, content, updated_at: now })
          .onConflict((oc) => oc.column('slot').doUpdateSet({ content, updated_at: now })),
      );
    });
    return { savedAt: now };
  }

  discard(messageId: string | null): void {
    const { db } = this.ctx;
    db.q.run(db.kysely.deleteFrom('drafts').where('slot', '=', messageId ?? NEW_MESSAGE_SLOT));
  }
}
