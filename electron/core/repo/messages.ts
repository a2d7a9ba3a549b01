import { bodyHtmlSchema, bodySchema, describeIssue, titleSchema } from '../../../shared/validation.js';
import type { Selectable } from 'kysely';
import type { MessagesTable } from '../db/schema.js';
import type { PreparedQuery } from '../db/sync-query.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { AttachmentStore } from './attachments.js';
import { FieldCipher } from './field-cipher.js';
import { RecipientsRepo } from './recipients.js';
import type { RepoContext } from './repo-context.js';
import { isBlankHtml, sanitizeHtml } from './sanitize-html.js';
import type { z } from 'zod';
import { MessageSummaries } from './message-summaries.js';
import type { MessageChanges, MessageContent, MessageDetail, MessageSummary, NewMessage } from './message-types.js';

export type { MessageChanges, MessageContent, MessageDetail, MessageSummary, NewMessage } from './message-types.js';

/** A messages row as get() reads it: with the number of its attachments. */
type MessageRow = Selectable<MessagesTable> & { attachment_count: number | null };

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequestError(`${field}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** The sanitized formatted body, or null when there is none worth keeping. */
function cleanHtml(html: string | null | undefined): string | null {
  if (html === null || html === undefined) return null;
  const clean = sanitizeHtml(parseOrThrow(bodyHtmlSchema(), html, 'bodyHtml'));
  return isBlankHtml(clean) ? null : clean;
}

export class MessagesRepo {
  private readonly cipher: FieldCipher<'title' | 'body_text' | 'body_html'>;
  private readonly recipients: RecipientsRepo;
  private readonly summaries: MessageSummaries;
  readonly attachments: AttachmentStore;

  constructor(private readonly ctx: RepoContext) {
    this.cipher = new FieldCipher(ctx.key, 'messages');
    this.recipients = new RecipientsRepo(ctx);
    this.attachments = new AttachmentStore(ctx);
    this.summaries = new MessageSummaries(ctx, this.cipher);
  }

  create(input: NewMessage): string {
    const title = parseOrThrow(titleSchema(), input.title, 'title');
    const body = parseOrThrow(bodySchema(), input.body, 'body');
    const bodyHtml = cleanHtml(input.bodyHtml);
    const recipientIds = [...new Set(input.recipientIds ?? [])];
    const { db, clock, audit } = this.ctx;
    const id = newId('msg');
    const now = clock.now();
    db.q.transaction(() => {
      this.assertRecipientsExist(recipientIds);
      this.assertPlanExists(input.planId ?? null);
      db.q.run(
        db.kysely.insertInto('messages').values({
          id,
          title: this.cipher.seal('title', id, title),
          body_text: this.cipher.seal('body_text', id, body),
          body_html: bodyHtml === null ? null : this.cipher.seal('body_html', id, bodyHtml),
          status: input.status ?? 'active',
          plan_id: input.planId ?? null,
          delivery_delay_ms: input.deliveryDelayMs ?? 0,
          created_at: now,
          updated_at: now,
        }),
      );
      this.linkRecipients(id, recipientIds);
      this.attachments.insertRows(id, input.attachments ?? []);
      this.pokeScheduler(now);
      audit.append({
        action: 'message.created',
        entityType: 'message',
        entityId: id,
        detail: { recipients: recipientIds.length, attachments: input.attachments?.length ?? 0 },
      });
    });
    return id;
  }

  /** Newest first. Decrypts only the titles of the page asked for. */
  list(options: { limit?: number; offset?: number } = {}): { items: MessageSummary[]; total: number } {
    return this.summaries.list(options);
  }

  /** Titles are encrypted: search decrypts them all and matches in memory (see MessageSummaries). */
  search(query: string, options: { limit?: number; offset?: number } = {}): { items: MessageSummary[]; total: number } {
    return this.summaries.search(query, options);
  }

  /** The decrypted titles of these messages; missing ids are left out. */
  titles(ids: readonly string[]): Map<string, string> {
    const { byId } = this.detailStatements();
    const titles = new Map<string, string>();
    for (const id of ids) {
      const row = byId.get({ id });
      if (row) titles.set(id, this.summaries.readableTitle(row.id, row.title).title);
    }
    return titles;
  }

  /** get() runs for every delivery of a drain: its queries are compiled once. */
  private detailQueries?: {
    byId: PreparedQuery<{ id: string }, MessageRow>;
    recipientIdsOf: PreparedQuery<{ id: string }, { recipient_id: string }>;
  };

  private detailStatements(): NonNullable<MessagesRepo['detailQueries']> {
    const { q, kysely: k } = this.ctx.db;
    return (this.detailQueries ??= {
      // With the number of attachments, so a message without any costs no second query.
      byId: q.prepared((p: { id: string }) =>
        k
          .selectFrom('messages as m')
          .selectAll('m')
          .select((eb) =>
            eb
              .selectFrom('attachments as a')
              .select(eb.fn.countAll<number>().as('n'))
              .whereRef('a.message_id', '=', 'm.id')
              .as('attachment_count'),
          )
          .where('m.id', '=', p.id),
      ),
      recipientIdsOf: q.prepared((p: { id: string }) =>
        k.selectFrom('message_recipients').select('recipient_id').where('message_id', '=', p.id),
      ),
    });
  }

  get(id: string): MessageDetail {
    const { byId, recipientIdsOf } = this.detailStatements();
    const row = byId.get({ id });
    if (!row) throw new NotFoundError('message', id);
    const recipientIds = recipientIdsOf.all({ id }).map((r) => r.recipient_id);
    return {
      id: row.id,
      ...this.openContent(row),
      status: row.status,
      planId: row.plan_id,
      deliveryDelayMs: row.delivery_delay_ms,
      recipients: this.recipients.getMany(recipientIds),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** What a delivery sends: get() without the recipients, which the outbox row names itself. */
  deliveryContent(id: string): MessageContent {
    const row = this.detailStatements().byId.get({ id });
    if (!row) throw new NotFoundError('message', id);
    return this.openContent(row);
  }

  private openContent(row: MessageRow): MessageContent {
    const { id } = row;
    return {
      title: this.cipher.open('title', id, row.title),
      body: this.cipher.open('body_text', id, row.body_text),
      bodyHtml: row.body_html === null ? null : this.cipher.open('body_html', id, row.body_html),
      attachments:
        row.attachment_count === 0
          ? []
          : this.attachments
              .listFor(id)
              .map(({ id: attId, name, size, mediaType }) => ({ id: attId, name, size, mediaType })),
    };
  }

  /** Returns the ids of attachment blobs that may now be deleted from disk. */
  update(id: string, changes: MessageChanges): { removedBlobIds: string[] } {
    const { db, clock, audit } = this.ctx;
    const fields: string[] = [];
    const set: Record<string, unknown> = {};
    if (changes.title !== undefined) {
      set.title = this.cipher.seal('title', id, parseOrThrow(titleSchema(), changes.title, 'title'));
      fields.push('title');
    }
    if (changes.body !== undefined) {
      set.body_text = this.cipher.seal('body_text', id, parseOrThrow(bodySchema(), changes.body, 'body'));
      fields.push('body');
    }
    if (changes.bodyHtml !== undefined || changes.body !== undefined) {
      const html = cleanHtml(changes.bodyHtml);
      set.body_html = html === null ? null : this.cipher.seal('body_html', id, html);
      fields.push('formatting');
    }
    if (changes.status !== undefined) {
      set.status = changes.status;
      fields.push('status');
    }
    if (changes.deliveryDelayMs !== undefined) {
      if (!Number.isInteger(changes.deliveryDelayMs) || changes.deliveryDelayMs < 0) {
        throw new BadRequestError('the delivery delay must be zero or more');
      }
      set.delivery_delay_ms = changes.deliveryDelayMs;
      fields.push('deliveryDelay');
    }
    if (changes.planId !== undefined) {
      set.plan_id = changes.planId;
      fields.push('plan');
    }
    const removed: string[] = [];
    db.q.transaction(() => {
      const exists = db.q.get(db.kysely.selectFrom('messages').select('id').where('id', '=', id));
      if (!exists) throw new NotFoundError('message', id);
      if (changes.planId !== undefined) this.assertPlanExists(changes.planId);
      if (changes.recipientIds !== undefined) {
        const recipientIds = [...new Set(changes.recipientIds)];
        this.assertRecipientsExist(recipientIds);
        db.q.run(db.kysely.deleteFrom('message_recipients').where('message_id', '=', id));
        this.linkRecipients(id, recipientIds);
        fields.push('recipients');
      }
      if (changes.addAttachments?.length) {
        this.attachments.insertRows(id, changes.addAttachments);
        fields.push('attachments');
      }
      for (const attId of changes.removeAttachmentIds ?? []) {
        const result = db.q.run(
          db.kysely.deleteFrom('attachments').where('id', '=', attId).where('message_id', '=', id),
        );
        if (result.changes === 0) throw new NotFoundError('attachment', `${attId} of message ${id}`);
        removed.push(attId);
        if (!fields.includes('attachments')) fields.push('attachments');
      }
      db.q.run(
        db.kysely
          .updateTable('messages')
          .set({ ...set, updated_at: clock.now() })
          .where('id', '=', id),
      );
      this.pokeScheduler(clock.now());
      audit.append({ action: 'message.updated', entityType: 'message', entityId: id, detail: { fields } });
    });
    return { removedBlobIds: removed };
  }

  /** Deletes the message and its attachment rows; returns the blob ids to delete from disk. */
  remove(id: string): { removedBlobIds: string[] } {
    const { db, audit } = this.ctx;
    return db.q.transaction(() => {
      const blobIds = db.q
        .all(db.kysely.selectFrom('attachments').select('id').where('message_id', '=', id))
        .map((r) => r.id);
      const result = db.q.run(db.kysely.deleteFrom('messages').where('id', '=', id));
      if (result.changes === 0) throw new NotFoundError('message', id);
      this.pokeScheduler(this.ctx.clock.now());
      audit.append({
        action: 'message.removed',
        entityType: 'message',
        entityId: id,
        detail: { attachments: blobIds.length },
      });
      return { removedBlobIds: blobIds };
    });
  }

  /** A message change may arm or disarm a plan: have the scheduler look at every plan next tick. */
  private pokeScheduler(now: number): void {
    this.ctx.db.q.run(this.ctx.db.kysely.updateTable('plan_state').set({ next_action_at: now }));
  }

  private assertPlanExists(planId: string | null): void {
    if (planId === null) return;
    const { db } = this.ctx;
    if (!db.q.get(db.kysely.selectFrom('warning_plans').select('id').where('id', '=', planId))) {
      throw new NotFoundError('plan', planId);
    }
  }

  private assertRecipientsExist(ids: readonly string[]): void {
    const found = this.recipients.getMany(ids);
    const missing = ids.filter((id) => !found.some((r) => r.id === id));
    if (missing.length > 0) throw new NotFoundError('recipient', missing.join(', '));
  }

  private linkRecipients(messageId: string, recipientIds: readonly string[]): void {
    const { db } = this.ctx;
    if (recipientIds.length === 0) return;
    db.q.run(
      db.kysely
        .insertInto('message_recipients')
        .values(recipientIds.map((recipient_id) => ({ message_id: messageId, recipient_id }))),
    );
  }
}
