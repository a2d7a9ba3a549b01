import { BadRequestError, ConflictError, NotFoundError, WebhookUrlRefusedError } from '../errors.js';
import { checkWebhookUrl } from '../../../shared/webhook-url.js';
import { newId } from '../ids.js';
import { FieldCipher } from './field-cipher.js';
import type { RepoContext } from './repo-context.js';

export interface WebhookChannel {
  id: string;
  name: string;
  url: string;
  secret: string;
  createdAt: number;
  /** May reach loopback and private addresses: the owner said it is on their own network. */
  allowPrivateNetwork: boolean;
  /** Allowed there only because it existed before that check (migration 0008), not by the owner's choice. */
  privateNetworkKept: boolean;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** The owner's warning webhooks (ntfy, a phone shortcut, a home server). URL and secret encrypted. */
export class WebhooksRepo {
  private readonly cipher: FieldCipher<'url' | 'secret'>;

  constructor(private readonly ctx: RepoContext) {
    this.cipher = new FieldCipher(ctx.key, 'webhooks');
  }

  add(name: string, url: string, secret: string, options: { allowPrivateNetwork?: boolean } = {}): WebhookChannel {
    const allowPrivateNetwork = options.allowPrivateNetwork === true;
    if (!NAME.test(name)) {
      throw new BadRequestError(
        'webhook names are 1–40 lower-case letters, digits, - or _ (used as webhook:NAME in plans)',
      );
    }
    const checked = checkWebhookUrl(url, { allowPrivateNetwork });
    if (!checked.ok) throw new WebhookUrlRefusedError(checked.problem, checked.message);
    const { db, clock, audit } = this.ctx;
    if (this.findByName(name)) throw new ConflictError(`a webhook named "${name}" exists already`);
    const id = newId('hook');
    const now = clock.now();
    db.q.transaction(() => {
      db.q.run(
        db.kysely.insertInto('webhooks').values({
          id,
          name,
          url: this.cipher.seal('url', id, checked.url),
          secret: this.cipher.seal('secret', id, secret),
          created_at: now,
          allow_private_network: allowPrivateNetwork ? 1 : 0,
        }),
      );
      audit.append({
        action: 'channel.webhook_added',
        entityType: 'webhook',
        entityId: id,
        detail: { name, allowPrivateNetwork },
      });
    });
    return { id, name, url: checked.url, secret, createdAt: now, allowPrivateNetwork, privateNetworkKept: false };
  }

  list(): WebhookChannel[] {
    const { db } = this.ctx;
    return db.q.all(db.kysely.selectFrom('webhooks').selectAll().orderBy('name')).map((row) => ({
      id: row.id,
      name: row.name,
      url: this.cipher.open('url', row.id, row.url),
      secret: this.cipher.open('secret', row.id, row.secret),
      createdAt: row.created_at,
      allowPrivateNetwork: row.allow_private_network === 1,
      privateNetworkKept: row.private_network_kept === 1,
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

  /**
   * Says whether a webhook is on the owner's own network. Either answer is the owner's choice, so
   * a webhook kept from before the check stops being marked as kept. Turning it off is refused for
   * a URL that is itself a loopback or private address (it could never be sent to).
   */
  setAllowPrivateNetwork(name: string, allowPrivateNetwork: boolean): WebhookChannel {
    const { db, audit } = this.ctx;
    const found = this.findByName(name);
    if (!found) throw new NotFoundError('webhook', name);
    const checked = checkWebhookUrl(found.url, { allowPrivateNetwork });
    if (!checked.ok && checked.problem === 'privateAddress')
      throw new WebhookUrlRefusedError(checked.problem, checked.message);
    db.q.transaction(() => {
      db.q.run(
        db.kysely
          .updateTable('webhooks')
          .set({ allow_private_network: allowPrivateNetwork ? 1 : 0, private_network_kept: 0 })
          .where('id', '=', found.id),
      );
      audit.append({
        action: 'channel.webhook_updated',
        entityType: 'webhook',
        entityId: found.id,
        detail: { name, allowPrivateNetwork },
      });
    });
    return { ...found, allowPrivateNetwork, privateNetworkKept: false };
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

/** Webhooks allowed on private networks only because they existed before that check (no secret opened). */
export function webhooksKeptOnPrivateNetwork(ctx: Pick<RepoContext, 'db'>): string[] {
  const { db } = ctx;
  return db.q
    .all(db.kysely.selectFrom('webhooks').select('name').where('private_network_kept', '=', 1).orderBy('name'))
    .map((r) => r.name);
}

/** Webhook names only: the scheduler resolves `webhook` channels without opening any secret. */
export function webhookNames(ctx: Pick<RepoContext, 'db'>): string[] {
  return ctx.db.q.all(ctx.db.kysely.selectFrom('webhooks').select('name').orderBy('name')).map((r) => r.name);
}
