/**
 * The JSON body Afterword POSTs to a webhook (also documented in webhook-payloads.md; keep the two
 * in step). Every request is signed per the Standard Webhooks spec; `webhook-id` is stable across
 * retries of one outbox item, so receivers can deduplicate on it.
 *
 *   { "type": "afterword.warning" | "afterword.delivery" | "afterword.notice" | "afterword.test",
 *     "timestamp": "2025-03-04T12:00:00.000Z",   // warnings: when issued; others: when sent
 *     "data": { ... } }
 *
 *   afterword.warning  data: { planId, planName, level, levelCount, final, nextActionAt (ISO),
 *                              messageCount, checkinUrl (string | null) }
 *   afterword.delivery data: { messageId, title, text, html (string | null), senderName (string | null),
 *                              attachments: [{ name, mediaType, size, contentBase64 }
 *                                          | { name, mediaType, size, omitted: true }] }
 *   afterword.notice   data: { subject, text }
 *   afterword.test     data: { subject, text }
 *
 * Attachments are inlined in order while their running total stays within the inline limit
 * (10 MiB by default); from the first one that does not fit, every later entry is `omitted`.
 */
import type { DeliveryContent, OutgoingAttachment, OutgoingContent } from './delivery-types.js';
import { EN, type DeliveryStrings } from './delivery-strings.js';

export const WEBHOOK_EVENT_TYPES = [
  'afterword.warning',
  'afterword.delivery',
  'afterword.notice',
  'afterword.test',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WarningEventData {
  planId: string;
  planName: string;
  level: number;
  levelCount: number;
  final: boolean;
  nextActionAt: string;
  messageCount: number;
  checkinUrl: string | null;
}

export type WebhookAttachment =
  | { name: string; mediaType: string; size: number; contentBase64: string }
  | { name: string; mediaType: string; size: number; omitted: true };

export interface DeliveryEventData {
  messageId: string;
  title: string;
  text: string;
  html: string | null;
  senderName: string | null;
  attachments: WebhookAttachment[];
}

export interface TextEventData {
  subject: string;
  text: string;
}

export type WebhookPayload =
  | { type: 'afterword.warning'; timestamp: string; data: WarningEventData }
  | { type: 'afterword.delivery'; timestamp: string; data: DeliveryEventData }
  | { type: 'afterword.notice' | 'afterword.test'; timestamp: string; data: TextEventData };

export const DEFAULT_MAX_INLINE_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export interface PayloadOptions {
  /** Total attachment bytes (before base64) inlined into one payload. */
  maxInlineAttachmentBytes?: number;
  /** Send time in epoch ms. */
  now?: number;
  strings?: DeliveryStrings;
}

/**
 * Builds the payload for one item. Reads (and so decrypts) the attachments it inlines; a failing
 * attachment stream rejects the promise with that stream's error.
 */
export async function buildWebhookPayload(
  content: OutgoingContent,
  options: PayloadOptions = {},
): Promise<WebhookPayload> {
  const now = new Date(options.now ?? Date.now()).toISOString();
  const strings = options.strings ?? EN;
  switch (content.kind) {
    case 'warning':
      return {
        type: 'afterword.warning',
        timestamp: new Date(content.issuedAt).toISOString(),
        data: {
          planId: content.planId,
          planName: content.planName,
          level: content.level,
          levelCount: content.levelCount,
          final: content.final,
          nextActionAt: new Date(content.nextActionAt).toISOString(),
          messageCount: content.messageCount,
          checkinUrl: content.checkinUrl,
        },
      };
    case 'delivery':
      return {
        type: 'afterword.delivery',
        timestamp: now,
        data: await deliveryData(content, options.maxInlineAttachmentBytes ?? DEFAULT_MAX_INLINE_ATTACHMENT_BYTES),
      };
    case 'notice':
      return { type: 'afterword.notice', timestamp: now, data: { subject: content.subject, text: content.text } };
    case 'test':
      return { type: 'afterword.test', timestamp: now, data: { subject: strings.testSubject, text: content.text } };
  }
}

async function deliveryData(c: DeliveryContent, maxInline: number): Promise<DeliveryEventData> {
  const attachments: WebhookAttachment[] = [];
  let remaining = maxInline;
  let inlining = true;
  for (const a of c.attachments) {
    const meta = { name: a.name, mediaType: a.mediaType, size: a.size };
    if (inlining && a.size <= remaining) {
      const bytes = await readAtMost(a, remaining);
      if (bytes) {
        remaining -= bytes.length;
        attachments.push({ ...meta, contentBase64: bytes.toString('base64') });
        continue;
      }
    }
    inlining = false;
    attachments.push({ ...meta, omitted: true });
  }
  return {
    messageId: c.messageId,
    title: c.title,
    text: c.bodyText,
    html: c.bodyHtml,
    senderName: c.senderName,
    attachments,
  };
}

/** The whole attachment, or null (stream closed early) when it turns out longer than `limit`. */
async function readAtMost(a: OutgoingAttachment, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of a.open()) {
    total += chunk.byteLength;
    if (total > limit) return null; // leaving the loop returns the iterator
    chunks.push(Buffer.from(chunk)); // a copy: the producer may reuse its buffer
  }
  return Buffer.concat(chunks, total);
}
