import type { MessageStatus } from '../db/schema.js';
import type { AttachmentInfo, StagedAttachment } from './attachments.js';
import type { Recipient } from './recipients.js';

export interface MessageSummary {
  id: string;
  title: string;
  status: MessageStatus;
  recipientCount: number;
  attachmentCount: number;
  createdAt: number;
  updatedAt: number;
  /** Set when the stored row cannot be read (tampering or corruption): what is wrong. The title is then ''. */
  damaged?: string;
}

export interface MessageDetail {
  id: string;
  title: string;
  body: string;
  /** The body with its formatting, sanitized (see sanitize-html.ts); null: plain text only. */
  bodyHtml: string | null;
  status: MessageStatus;
  planId: string | null;
  deliveryDelayMs: number;
  recipients: Recipient[];
  attachments: Pick<AttachmentInfo, 'id' | 'name' | 'size' | 'mediaType'>[];
  createdAt: number;
  updatedAt: number;
}

/** The part of a message that is sent: decrypted text and the list of its attachments. */
export type MessageContent = Pick<MessageDetail, 'title' | 'body' | 'bodyHtml' | 'attachments'>;

/** What a message is written with, new or changed. */
interface MessageFields {
  title: string;
  body: string;
  /**
   * Formatted body; sanitized before it is stored. Null, absent or blank: plain text only. In
   * changes, undefined with a new `body`: the old formatting no longer matches the text and is dropped.
   */
  bodyHtml?: string | null;
  recipientIds?: readonly string[];
  status?: MessageStatus;
  planId?: string | null;
  deliveryDelayMs?: number;
}

export interface NewMessage extends MessageFields {
  attachments?: readonly StagedAttachment[];
}

export interface MessageChanges extends Partial<MessageFields> {
  addAttachments?: readonly StagedAttachment[];
  removeAttachmentIds?: readonly string[];
}
