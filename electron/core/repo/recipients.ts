import * as z from 'zod';
import {
  newRecipientSchema,
  describeIssue,
  recipientNameSchema,
  type NewRecipient,
} from '../../../shared/validation.js';
import type { Selectable } from 'kysely';
import type { RecipientsTable, RecipientType } from '../db/schema.js';
import type { PreparedQuery } from '../db/sync-query.js';
import { BadRequestError, ConflictError, NotFoundError, WebhookUrlRefusedError } from '../errors.js';
import { checkWebhookUrl } from '../../../shared/webhook-url.js';
import { newId } from '../ids.js';
import { FieldCipher } from './field-cipher.js';
import type { RepoContext } from './repo-context.js';

export interface Recipient {
  id: string;
  name: string;
  contact: string;
  type: RecipientType;
  createdAt: number;
  updatedAt: number;
  /** Webhook recipients: may reach loopback and private addresses (on the owner's own network). */
  allowPrivateNetwork: boolean;
  /** Allowed there only because it existed before that check (migration 0008). */
  privateNetworkKept: boolean;
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequestError(describeIssue(parsed.error));
  return parsed.data;
}

/** A webhook recipient's URL must also pass the private-network rule its flag decides. */
function checkPrivateNetwork(type: RecipientType, contact: string, allowPrivateNetwork: boolean): void {
  if (type !== 'webhook') return;
  const checked = checkWebhookUrl(contact, { allowPrivateNetwork });
  if (!checked.ok) throw new WebhookUrlRefusedError(checked.problem, checked.message);
}

/** Webhook recipients allowed on private networks only because they existed before that check (nothing decrypted). */
export function recipientsKeptOnPrivateNetwork(ctx: Pick<RepoContext, 'db'>): string[] {
  const { db } = ctx;
  return db.q
    .all(db.kysely.selectFrom('recipients').select('id').where('private_network_kept', '=', 1).orderBy('created_at'))
    .map((r) => r.id);
}

export class RecipientsRepo {
  private readonly cipher: FieldCipher<'name' | 'contact'>;

  constructor(private readonly ctx: RepoContext) {
    this.cipher = new FieldCipher(ctx.key, 'recipients');
  }

  add(input: NewRecipient, options: { allowPrivateNetwork?: boolean } = {}): Recipient {
    const parsed = newRecipientSchema().safeParse(input);
    if (!parsed.success) throw new BadRequestError(describeIssue(parsed.error));
    const allowPrivateNetwork = parsed.data.type === 'webhook' && options.allowPrivateNetwork === true;
    checkPrivateNetwork(parsed.data.type, parsed.data.contact, allowPrivateNetwork);
    const { db, clock, audit } = this.ctx;
    const id = newId('rcp');
    const now = clock.now();
    db.q.transaction(() => {
      db.q.run(
        db.kysely.insertInto('recipients').values({
          id,
          type: parsed.data.type,
          name: this.cipher.seal('name', id, parsed.data.name),
          contact: this.cipher.seal('contact', id, parsed.data.contact),
          created_at: now,
          updated_at: now,
          allow_private_network: allowPrivateNetwork ? 1 : 0,
        }),
      );
      audit.append({
        action: 'recipient.added',
        entityType: 'recipient',
        entityId: id,
        detail: { type: parsed.data.type },
      });
    });
    return { id, ...parsed.data, createdAt: now, updatedAt: now, allowPrivateNetwork, privateNetworkKept: false };
  }

  list(): Recipient[] {
    const { db } = this.ctx;
    const rows = db.q.all(db.kysely.selectFrom('recipients').selectAll().orderBy('created_at', 'asc').orderBy('id'));
    return rows.map((row) => this.decode(row));
  }

  get(id: string): Recipient {
    const found = this.getMany([id])[0];
    if (!found) throw new NotFoundError('recipient', id);
    return found;
  }

  /** Missing ids are left out. One prepared lookup per id: deliveries read a few ids thousands of times. */
  getMany(ids: readonly string[]): Recipient[] {
    const byId = (this.byIdQuery ??= this.ctx.db.q.prepared((p: { id: string }) =>
      this.ctx.db.kysely.selectFrom('recipients').selectAll().where('id', '=', p.id),
    ));
    return ids.flatMap((id) => {
      const row = byId.get({ id });
      return row ? [this.decode(row)] : [];
    });
  }

  private byIdQuery?: PreparedQuery<{ id: string }, Selectable<RecipientsTable>>;

  /**
   * Renames a recipient or corrects their address; how they are reached (e-mail or webhook) stays.
   * Messages name recipients by id, so every message addressed to them follows the change.
   */
  update(id: string, changes: { name?: string; contact?: string; allowPrivateNetwork?: boolean }): Recipient {
    const { db, clock, audit } = this.ctx;
    return db.q.transaction(() => {
      const current = this.get(id);
      // An address stored before today's rules is checked again only when it (or its flag) changes,
      // so renaming a recipient never fails on it.
      const contactChanged = changes.contact !== undefined && changes.contact.trim() !== current.contact;
      const allowPrivateNetwork =
        current.type === 'webhook' && (changes.allowPrivateNetwork ?? current.allowPrivateNetwork);
      const flagChanged = allowPrivateNetwork !== current.allowPrivateNetwork;
      // Saying either way is the owner's decision: the recipient is no longer only kept from before the check.
      const privateNetworkKept =
        current.privateNetworkKept && changes.allowPrivateNetwork === undefined && !contactChanged;
      const name = parseOrThrow(recipientNameSchema(), changes.name ?? current.name);
      let contact = current.contact;
      if (contactChanged || flagChanged) {
        const parsed = newRecipientSchema().safeParse({
          type: current.type,
          name,
          contact: changes.contact ?? current.contact,
        });
        if (!parsed.success) throw new BadRequestError(describeIssue(parsed.error));
        contact = parsed.data.contact;
        checkPrivateNetwork(current.type, contact, allowPrivateNetwork);
      }
      const fields = [
        ...(name !== current.name ? ['name'] : []),
        ...(contact !== current.contact ? ['contact'] : []),
        ...(flagChanged || privateNetworkKept !== current.privateNetworkKept ? ['allowPrivateNetwork'] : []),
      ];
      if (fields.length === 0) return current;
      const now = clock.now();
      db.q.run(
        db.kysely
          .updateTable('recipients')
          .set({
            name: this.cipher.seal('name', id, name),
            contact: this.cipher.seal('contact', id, contact),
            updated_at: now,
            allow_private_network: allowPrivateNetwork ? 1 : 0,
            private_network_kept: privateNetworkKept ? 1 : 0,
          })
          .where('id', '=', id),
      );
      audit.append({ action: 'recipient.updated', entityType: 'recipient', entityId: id, detail: { fields } });
      return { ...current, name, contact, updatedAt: now, allowPrivateNetwork, privateNetworkKept };
    });
  }

  /** For every recipient that messages go to: the ids of those messages. */
  usage(): Map<string, string[]> {
    const { db } = this.ctx;
    const rows = db.q.all(
      db.kysely.selectFrom('message_recipients').select(['recipient_id', 'message_id']).orderBy('message_id'),
    );
    const byRecipient = new Map<string, string[]>();
    for (const row of rows)
      byRecipient.set(row.recipient_id, [...(byRecipient.get(row.recipient_id) ?? []), row.message_id]);
    return byRecipient;
  }

  /** Refuses while a message still goes to this recipient: removing it would silently stop a delivery. */
  remove(id: string): void {
    const { db, audit } = this.ctx;
    db.q.transaction(() => {
      this.get(id);
      const uses = db.q.get(
        db.kysely
          .selectFrom('message_recipients')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('recipient_id', '=', id),
      );
      if (uses && uses.n > 0) {
        throw new ConflictError(
          `recipient ${id} still receives ${uses.n} message(s): remove it from those messages first (message edit)`,
        );
      }
      db.q.run(db.kysely.deleteFrom('recipients').where('id', '=', id));
      audit.append({ action: 'recipient.removed', entityType: 'recipient', entityId: id });
    });
  }

  private decode(row: Selectable<RecipientsTable>): Recipient {
    return {
      id: row.id,
      type: row.type,
      name: this.cipher.open('name', row.id, row.name),
      contact: this.cipher.open('contact', row.id, row.contact),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      allowPrivateNetwork: row.allow_private_network === 1,
      privateNetworkKept: row.private_network_kept === 1,
    };
  }
}
