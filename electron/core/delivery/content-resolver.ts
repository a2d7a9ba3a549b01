import { LEVEL_COUNT, type PlanLevel } from '../../../shared/plans.js';
import { openText, sealText, type ContentKey } from '../crypto/envelope.js';
import type { MessagesRepo } from '../repo/messages.js';
import type { RecipientsRepo } from '../repo/recipients.js';
import type { SettingsRepo } from '../repo/settings.js';
import type { WebhooksRepo } from '../repo/webhooks.js';
import type { PlansRepo } from '../repo/plans.js';
import { IntegrityError, NotFoundError } from '../errors.js';
import { escapeHtml } from './html-escape.js';
import type { DesktopPrompt } from '../ports/notifier.js';
import type { OutboxRow } from './outbox.js';
import type { DeliveryContent, OutgoingContent, OutgoingItem, Target } from './delivery-types.js';
import { readOwner } from './owner-settings.js';
import { letterBodyText } from '../../../shared/delivery-letter.js';

export type Resolution =
  | { via: 'desktop'; prompt: DesktopPrompt }
  | { via: 'email' | 'webhook'; item: OutgoingItem }
  | { via: 'none'; errorCode: string; message: string };

export interface ResolverDeps {
  key: ContentKey;
  messages: MessagesRepo;
  recipients: RecipientsRepo;
  settings: SettingsRepo;
  webhooks: WebhooksRepo;
  plans: PlansRepo;
  now: () => number;
  /** How many messages a plan would deliver (warnings say how many, never which). */
  messageCount: (planId: string) => number;
  /** The shortest delivery delay of the plan's messages: the final warning names the real date. */
  deliveryDelayMs: (planId: string) => number;
  /** A fresh signed, one-time check-in link for each warning; null (or absent): no link. */
  checkinLink?: () => string | null;
  /** Called when a delivery goes without attachments whose files were lost (to tell the owner). */
  onLostAttachments?: (messageId: string, lost: readonly LostAttachment[]) => void;
  /** Attachments of a message already found damaged (by the daily check or an earlier send): id → what is wrong. */
  knownDamaged?: (messageId: string) => ReadonlyMap<string, string>;
  /** An attachment failed its authentication while being sent: recorded, so the next try goes without it. */
  onDamagedWhileSending?: (messageId: string, damaged: LostAttachment) => void;
}

export interface LostAttachment {
  id: string;
  name: string;
  problem: string;
}

/** The line a delivery carries in place of an attachment that could not be included. */
export function lostAttachmentLine(name: string): string {
  return `[The attachment "${name}" could not be included: its file was lost or damaged before this message was sent.]`;
}

/** Notices and tests carry their text in the outbox row, sealed and bound to its idempotency key. */
export function sealPayload(key: ContentKey, idempotencyKey: string, payload: unknown): Uint8Array {
  return sealText(key, { table: 'outbox', column: 'payload', rowId: idempotencyKey }, JSON.stringify(payload));
}

function openPayload<T>(key: ContentKey, row: OutboxRow): T {
  if (!row.payload) throw new Error(`outbox row ${row.id} has no payload`);
  return JSON.parse(
    openText(key, { table: 'outbox', column: 'payload', rowId: row.idempotency_key }, row.payload),
  ) as T;
}

const fail = (errorCode: string, message: string): Resolution => ({ via: 'none', errorCode, message });

/**
 * Turns an outbox row into what a channel sends, decrypting content only now, in memory.
 * Anything missing (no owner address, a webhook or message deleted since) is a permanent failure
 * with a reason the owner can act on.
 */
export class ContentResolver {
  /** Per-drain memo of decrypted settings, messages and recipients; cleared when the drain ends. */
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly deps: ResolverDeps) {}

  clearCache(): void {
    this.cache.clear();
  }

  private memo<T>(key: string, compute: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = compute();
    this.cache.set(key, value);
    return value;
  }

  resolve(row: OutboxRow): Resolution {
    try {
      const content = this.content(row);
      if (!content) return fail('MESSAGE_DELETED', 'the message was deleted before it could be sent');
      if (row.channel === 'desktop') return { via: 'desktop', prompt: this.prompt(row, content) };
      const target = this.target(row);
      if ('errorCode' in target) return fail(target.errorCode, target.message);
      return {
        via: target.type,
        item: { idempotencyKey: row.idempotency_key, target, content },
      };
    } catch (error) {
      if (error instanceof NotFoundError) return fail('NOT_FOUND', error.message);
      throw error;
    }
  }

  private target(row: OutboxRow): Target | { errorCode: string; message: string } {
    const { recipients, webhooks } = this.deps;
    if (row.kind === 'delivery') {
      if (!row.recipient_id) return { errorCode: 'RECIPIENT_DELETED', message: 'the recipient was removed' };
      const recipientId = row.recipient_id;
      const recipient = this.memo(`recipient:${recipientId}`, () => recipients.get(recipientId));
      if (recipient.type === 'email') return { type: 'email', to: recipient.contact, toName: recipient.name };
      return {
        type: 'webhook',
        url: recipient.contact,
        secret: this.recipientSecret(),
        name: recipient.name,
        allowPrivateNetwork: recipient.allowPrivateNetwork,
      };
    }
    if (row.channel === 'email') {
      const owner = this.owner();
      if (!owner)
        return {
          errorCode: 'NO_OWNER_EMAIL',
          message: 'no owner e-mail is set: run `afterword owner set --email ADDR`',
        };
      return { type: 'email', to: owner.email, toName: owner.name };
    }
    if (row.channel.startsWith('webhook:')) {
      const hook = webhooks.findByName(row.channel.slice('webhook:'.length));
      if (!hook) return { errorCode: 'WEBHOOK_REMOVED', message: `the webhook ${row.channel} was removed` };
      return {
        type: 'webhook',
        url: hook.url,
        secret: hook.secret,
        name: hook.name,
        allowPrivateNetwork: hook.allowPrivateNetwork,
      };
    }
    return { errorCode: 'UNKNOWN_CHANNEL', message: `unknown channel ${row.channel}` };
  }

  /** Recipient webhooks are signed with the vault's delivery secret (shown by `channel list`). */
  private recipientSecret(): string {
    const secret = this.memo('signingSecret', () => this.deps.settings.get<string>('deliverySigningSecret'));
    if (!secret) throw new NotFoundError('setting', 'deliverySigningSecret');
    return secret;
  }

  private content(row: OutboxRow): OutgoingContent | null {
    switch (row.kind) {
      case 'warning':
        return this.warning(row);
      case 'delivery':
        return row.message_id ? this.delivery(row.message_id) : null;
      case 'notice':
        return { kind: 'notice', ...openPayload<{ subject: string; text: string }>(this.deps.key, row) };
      case 'test':
        if (row.message_id) {
          const delivery = this.delivery(row.message_id);
          return delivery && { ...delivery, title: `[TEST] ${delivery.title}` };
        }
        return { kind: 'test', ...openPayload<{ text: string }>(this.deps.key, row) };
    }
  }

  private warning(row: OutboxRow): OutgoingContent {
    const { plans, now } = this.deps;
    const level = row.level ?? 1;
    const plan = row.plan_id ? plans.get(row.plan_id) : null;
    const levels: PlanLevel[] = plan?.levels ?? [];
    const wait = levels[level - 1]?.waitMs ?? 0;
    return {
      kind: 'warning',
      planId: row.plan_id ?? '',
      planName: plan?.name ?? '',
      level,
      levelCount: LEVEL_COUNT,
      nextActionAt: now() + wait + (level >= LEVEL_COUNT && row.plan_id ? this.deps.deliveryDelayMs(row.plan_id) : 0),
      final: level >= LEVEL_COUNT,
      messageCount: row.plan_id ? this.deps.messageCount(row.plan_id) : 0,
      checkinUrl: this.deps.checkinLink?.() ?? null,
      issuedAt: now(),
    };
  }

  private owner() {
    return this.memo('owner', () => readOwner(this.deps.settings));
  }

  /** One message going to many recipients is decrypted once per drain. */
  private delivery(messageId: string): DeliveryContent | null {
    return this.memo(`message:${messageId}`, () => this.loadDelivery(messageId));
  }

  private loadDelivery(messageId: string): DeliveryContent | null {
    const { messages } = this.deps;
    let message;
    try {
      message = messages.deliveryContent(messageId);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
    const owner = this.owner();
    // A lost or damaged file must not hold back the letter itself (it would be retried for days
    // and fail): the message goes without it, saying so, and the owner is told.
    // Asked only for a message with attachments: the question reads the audit log.
    const damaged = message.attachments.length > 0 ? this.deps.knownDamaged?.(messageId) : undefined;
    const lost: LostAttachment[] = message.attachments.flatMap((a) => {
      const problem = messages.attachments.fileProblem(a.id) ?? damaged?.get(a.id) ?? null;
      return problem ? [{ id: a.id, name: a.name, problem }] : [];
    });
    if (lost.length > 0) this.deps.onLostAttachments?.(messageId, lost);
    const lostIds = new Set(lost.map((a) => a.id));
    const lines = lost.map((a) => lostAttachmentLine(a.name));
    return {
      kind: 'delivery',
      messageId,
      title: message.title,
      // The text part and the webhook's `text`: from the formatting, bullets and all; then a line
      // for each attachment that could not be included.
      bodyText:
        lines.length > 0
          ? `${letterBodyText(message.body, message.bodyHtml).replace(/\s+$/, '')}\n\n${lines.join('\n')}`
          : letterBodyText(message.body, message.bodyHtml),
      bodyHtml:
        lines.length > 0 && message.bodyHtml !== null
          ? `${message.bodyHtml}\n${lines.map((line) => `<p><em>${escapeHtml(line)}</em></p>`).join('\n')}`
          : message.bodyHtml,
      senderName: owner?.name ?? null,
      attachments: message.attachments
        .filter((a) => !lostIds.has(a.id))
        .map((a) => ({
          name: a.name,
          mediaType: a.mediaType,
          size: a.size,
          open: () => this.readWatched(messageId, a),
        })),
    };
  }

  /** The attachment's plaintext; a chunk that fails its tag is recorded before the send fails with it. */
  private async *readWatched(messageId: string, a: { id: string; name: string }): AsyncGenerator<Uint8Array> {
    try {
      yield* this.deps.messages.attachments.read(a.id);
    } catch (error) {
      if (error instanceof IntegrityError) {
        this.cache.delete(`message:${messageId}`);
        this.deps.onDamagedWhileSending?.(messageId, { id: a.id, name: a.name, problem: error.message });
      }
      throw error;
    }
  }

  private prompt(row: OutboxRow, content: OutgoingContent): DesktopPrompt {
    if (content.kind === 'warning') {
      return {
        kind: 'warning',
        planId: row.plan_id,
        level: content.level,
        title: content.final
          ? 'Final warning: are you there?'
          : `Are you there? (warning ${content.level} of ${content.levelCount})`,
        body: 'Click "I\'m here" or run `afterword checkin`.',
      };
    }
    const subject = content.kind === 'notice' ? content.subject : 'Afterword';
    const text = content.kind === 'notice' || content.kind === 'test' ? content.text : '';
    return { kind: row.kind === 'test' ? 'test' : 'notice', planId: row.plan_id, level: 0, title: subject, body: text };
  }
}
