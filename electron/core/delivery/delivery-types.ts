/**
 * What the outbox worker hands a channel sender, and what it gets back. Content is resolved
 * (decrypted) just before sending and never stored in plaintext.
 */

export interface OutgoingAttachment {
  name: string;
  mediaType: string;
  size: number;
  /** Opens a fresh stream of verified plaintext chunks (may be called again on retry). */
  open(): AsyncIterable<Uint8Array>;
}

/** A warning to the owner: which level, what happens next and when, how to check in. */
export interface WarningContent {
  kind: 'warning';
  planId: string;
  planName: string;
  level: number;
  levelCount: number;
  /** When the next level (or, after the last, the delivery) happens if nobody checks in. */
  nextActionAt: number;
  /** True for the final level: the next step is delivering the messages. */
  final: boolean;
  messageCount: number;
  checkinUrl: string | null;
  issuedAt: number;
}

/** A message going to one of its recipients. */
export interface DeliveryContent {
  kind: 'delivery';
  messageId: string;
  title: string;
  bodyText: string;
  bodyHtml: string | null;
  senderName: string | null;
  attachments: OutgoingAttachment[];
}

/** Something went wrong with a delivery or warning; reported to the owner through other channels. */
export interface NoticeContent {
  kind: 'notice';
  subject: string;
  text: string;
}

/** A test through one channel, so the owner can trust it before it matters. */
export interface TestContent {
  kind: 'test';
  text: string;
}

export type OutgoingContent = WarningContent | DeliveryContent | NoticeContent | TestContent;

export interface EmailTarget {
  type: 'email';
  to: string;
  toName: string | null;
}

export interface WebhookTarget {
  type: 'webhook';
  url: string;
  /** Standard Webhooks secret (`whsec_…`). */
  secret: string;
  name: string;
  /** May reach loopback and private addresses (the webhook is on the owner's network). Absent: no. */
  allowPrivateNetwork?: boolean;
}

export type Target = EmailTarget | WebhookTarget;

export interface OutgoingItem {
  /** Stable across retries: the e-mail Message-ID and the `webhook-id` are derived from it. */
  idempotencyKey: string;
  target: Target;
  content: OutgoingContent;
}

export type SendResult =
  | { ok: true; response: string }
  | { ok: false; permanent: boolean; errorCode: string; response: string; retryAfterMs?: number };

export interface ChannelSender {
  send(item: OutgoingItem): Promise<SendResult>;
  close?(): Promise<void>;
}
