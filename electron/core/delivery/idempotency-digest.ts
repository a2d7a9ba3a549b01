import { createHash } from 'node:crypto';

/**
 * The first 128 bits (32 hex digits) of SHA-256 over an outbox item's idempotency key. The e-mail
 * Message-ID and the `webhook-id` are both built from it, so a retry after a crash carries the same
 * identifier and the receiving side can drop the duplicate.
 */
export function idempotencyDigest(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 32);
}
