import { webhookUrlSchema, describeIssue } from '../../../shared/validation.js';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { FieldCipher } from './field-cipher.js';
import type { RepoContext } from './repo-context.js';

export interface WebhookChannel {
  id: string;
  name: string;
  url: string;
  secret: string;
  createdAt: number;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** The owner's warning webhooks (ntfy, a phone shortcut, a home server). URL and secret encrypted. */
export class WebhooksRepo {
  private readonly cipher: FieldCipher<'url' | 'secret'>;

  constructor(private readonly ctx: RepoContext) {
    this.cipher = new FieldCipher(ctx.key, 'webhooks');
  }

  add(name: string, url: string, secret: string): WebhookChannel {
    if (!NAME.test(name)) {
      throw new BadRequestError('webhook names are 1–40 lower-case letters, digits, - or _ (used as webhook:NAME in plans)');
    }
    const parsed = webhookUrlSchema.safeParse(url);
    if (!parsed.success) throw new BadRequestError(describeIssue(parsed.error));
    const { db, clock, audit } = this.ctx;
    if (this.findByName(name)) throw new ConflictError(`a webhook named "${name}" exists already`);
    const id = newId('hook');
    const now = clock.now();
    db.q.transaction(() => {
      db.q.run(
        db.kysely.insertInto('webhooks').values({
          id,
          name,
          url: this.cipher.seal('url', id, parsed.data),
          secret: this.cipher.seal('secret', id, secret),
          created_at: now,
        }),
      );
      audit.append({ action: 'channel.webhook_added', entityType: 'webhook', entityId: id, detail: { name } });
    });
    return { id, name, url: parsed.data, secret, createdAt: now };
  }

  list(): WebhookChannel[] {
    const { db } = this.ctx;
    return db.q.all(db.kysely.selectFrom('webhooks').selectAll().orderBy('name')).map((row) => ({
      id: row.id,
      name: row.name,
      url: this.cipher.open('url', row.id, row.url),
      secret: this.cipher.open('secret', row.id, row.secret),
      createdAt: row.created_at,
    }));
  }

  /** Each webhook's name → its id, without opening URLs or secrets. */
  idsByName(): Map<string, string> {
    const { db } = this.ctx;
    return new Map(db.q.all(db.kysely.selectFrom('webhooks').select(['id', 'name'])).map((row) => [row.name, row.id]));
  }

  findByName(name: string): WebhookChannel | undefined {
    return this.list().find((w) => w.name === name);
  }

  remove(name: string): void {
    const { db, audit } = this.ctx;
    const found = this.findByName(name);
    if (!found) throw new NotFoundError('webhook', name);
    db.q.transaction(() => {
      db.q.run(db.kysely.deleteFrom('webhooks').where('id', '=', found.id));
      audit.append({ action: 'channel.webhook_removed', entityType: 'webhook', entityId: found.id, detail: { name } });
    });
  }
}

/** Webhook names only: the scheduler resolves `webhook` channels without opening any secret. */
export function webhookNames(ctx: Pick<RepoContext, 'db'>): string[] {
  return ctx.db.q.all(ctx.db.kysely.selectFrom('webhooks').select('name').orderBy('name')).map((r) => r.name);
}
