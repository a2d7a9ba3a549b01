import type { ContentKey } from '../crypto/envelope.js';
import type { VaultDb } from '../db/open-database.js';
import { webhookNames } from '../repo/webhooks.js';
import { sealPayload } from './content-resolver.js';
import type { Outbox } from './outbox.js';

export interface OwnerNoticeDeps {
  db: VaultDb;
  key: ContentKey;
  outbox: Outbox;
}

export interface OwnerNotice {
  /** Stable for this notice: with the channel it makes the outbox rows' idempotency keys. */
  id: string;
  subject: string;
  text: string;
  planId?: string | null;
  /** A channel not to use (the one whose failure this notice reports). */
  exceptChannel?: string | null;
}

/**
 * Tells the owner something went wrong, on every channel they have: the desktop, their e-mail
 * and each of their webhooks. The text is sealed in the outbox row. Enqueuing the same notice
 * again is a no-op.
 */
export function enqueueOwnerNotice(deps: OwnerNoticeDeps, notice: OwnerNotice): void {
  const channels = ['desktop', 'email', ...webhookNames(deps).map((name) => `webhook:${name}`)].filter(
    (channel) => channel !== notice.exceptChannel,
  );
  for (const channel of channels) {
    const idempotencyKey = `notice:${notice.id}:${channel}`;
    deps.outbox.enqueue({
      kind: 'notice',
      channel,
      planId: notice.planId ?? null,
      idempotencyKey,
      payload: sealPayload(deps.key, idempotencyKey, { subject: notice.subject, text: notice.text }),
    });
  }
}
