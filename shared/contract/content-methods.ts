import * as z from 'zod';
import { MAX_DATE_MS } from '../durations.js';
import { ATTACHMENT_CHUNK_BYTES } from './attachment-chunks.js';
import {
  attachmentInfoSchema,
  drainReportSchema,
  idSchema,
  messageDetailSchema,
  messageStatusSchema,
  messageSummarySchema,
  planLevelSchema,
  planSchema,
  recipientEntrySchema,
  recipientSchema,
  sendResultSchema,
  timelineEventSchema,
  transitionSchema,
} from './dto.js';
import { byId, done, method, none, once, type MethodSpec } from './method-spec.js';

const durationMs = once(() =>
  z
    .number()
    .int()
    .min(60_000)
    .max(3650 * 86_400_000),
);

const messageFields = once(() => ({
  title: z.string().max(1000),
  body: z.string().max(2 * 1024 * 1024),
  /** The same content as sanitized HTML (the editor's formatting); null: plain text only. */
  bodyHtml: z
    .string()
    .max(4 * 1024 * 1024)
    .nullable(),
  recipientIds: z.array(idSchema()).max(500),
  planId: idSchema().nullable(),
  deliveryDelayMs: z
    .number()
    .int()
    .min(0)
    .max(3650 * 86_400_000),
  status: messageStatusSchema().exclude(['sent']),
}));

/**
 * A message as it stands in the editor, saved on every pause in typing so that nothing written is
 * lost: looser than a message (an empty or too-long title is kept as typed); recipients and a plan
 * that no longer exist are dropped when it is restored.
 */
const messageDraftSchema = once(() =>
  z.object({
    ...messageFields(),
    title: z.string().max(10_000),
    status: messageStatusSchema(),
    removeAttachmentIds: z.array(idSchema()).max(50),
  }),
);
const draftSlot = once(() => z.object({ messageId: idSchema().nullable() }).strict());

/** What the owner writes and sets up: messages, drafts, attachments, recipients and plans (methods.ts). */
export const CONTENT_METHODS = {
  'messages.list': method(
    ['owner'],
    () =>
      z
        .object({
          limit: z.number().int().min(1).max(500).default(50),
          offset: z.number().int().min(0).default(0),
          query: z.string().max(200).optional(),
        })
        .strict(),
    () => z.object({ items: z.array(messageSummarySchema()), total: z.number().int() }),
  ),
  'messages.get': method(['owner'], byId, messageDetailSchema),
  'messages.create': method(
    ['owner'],
    () =>
      z
        .object({
          ...messageFields(),
          bodyHtml: messageFields().bodyHtml.default(null),
          recipientIds: messageFields().recipientIds.default([]),
          planId: messageFields().planId.default(null),
          deliveryDelayMs: messageFields().deliveryDelayMs.default(0),
          status: messageFields().status.default('active'),
          uploadIds: z.array(z.string().max(40)).max(50).default([]),
        })
        .strict(),
    () => z.object({ id: idSchema() }),
  ),
  'messages.update': method(
    ['owner'],
    () =>
      z
        .object({
          id: idSchema(),
          title: messageFields().title.optional(),
          body: messageFields().body.optional(),
          /** Omitted with a new body: the formatting no longer matches the text and is dropped. */
          bodyHtml: messageFields().bodyHtml.optional(),
          recipientIds: messageFields().recipientIds.optional(),
          planId: messageFields().planId.optional(),
          deliveryDelayMs: messageFields().deliveryDelayMs.optional(),
          status: messageFields().status.optional(),
          addUploadIds: z.array(z.string().max(40)).max(50).optional(),
          removeAttachmentIds: z.array(idSchema()).max(50).optional(),
        })
        .strict(),
    () => z.object({ id: idSchema() }),
  ),
  'messages.delete': method(['owner'], byId, done),
  /** `state`: sent; being sent by Afterword running elsewhere; or failed. `drain`: the outbox pass it ran. */
  'messages.testSend': method(['owner'], byId, () =>
    sendResultSchema().extend({ state: z.enum(['sent', 'elsewhere', 'failed']), drain: drainReportSchema() }),
  ),

  /** The autosaved draft of a message being edited (messageId null: the new message being written). */
  'drafts.get': method(['owner'], draftSlot, () =>
    z.object({ draft: messageDraftSchema(), savedAt: z.number().int() }).nullable(),
  ),
  'drafts.save': method(
    ['owner'],
    () => draftSlot().extend({ draft: messageDraftSchema().strict() }).strict(),
    () => z.object({ savedAt: z.number().int() }),
  ),
  'drafts.discard': method(['owner'], draftSlot, done),

  'attachments.uploadBegin': method(
    ['owner'],
    () =>
      z
        .object({
          name: z.string().min(1).max(255),
          size: z
            .number()
            .int()
            .min(0)
            .max(2 * 1024 ** 3),
          mediaType: z.string().max(200).optional(),
        })
        .strict(),
    () => z.object({ uploadId: z.string(), chunkBytes: z.number().int() }),
  ),
  'attachments.uploadChunk': method(
    ['owner'],
    () =>
      z
        .object({
          uploadId: z.string().max(40),
          index: z.number().int().min(0),
          data: z.base64().max(Math.ceil(ATTACHMENT_CHUNK_BYTES / 3) * 4),
        })
        .strict(),
    () => z.object({ received: z.number().int() }),
  ),
  'attachments.uploadFinish': method(
    ['owner'],
    () => z.object({ uploadId: z.string().max(40) }).strict(),
    () => z.object({ uploadId: z.string(), size: z.number().int() }),
  ),
  'attachments.uploadCancel': method(['owner'], () => z.object({ uploadId: z.string().max(40) }).strict(), done),
  'attachments.download': method(
    ['owner'],
    () => z.object({ messageId: idSchema(), attachmentId: idSchema(), index: z.number().int().min(0) }).strict(),
    () =>
      z.object({ attachment: attachmentInfoSchema(), index: z.number().int(), last: z.boolean(), data: z.string() }),
  ),

  'recipients.list': method(['owner'], none, () => z.array(recipientEntrySchema())),
  'recipients.create': method(
    ['owner'],
    () =>
      z
        .object({
          name: z.string().max(1000),
          type: z.enum(['email', 'webhook']),
          contact: z.string().max(2000),
          allowPrivateNetwork: z.boolean().optional(),
        })
        .strict(),
    recipientSchema,
  ),
  /** Name or address (and, for a webhook, whether it is on the owner's network); the kind of contact cannot change. */
  'recipients.update': method(
    ['owner'],
    () =>
      z
        .object({
          id: idSchema(),
          name: z.string().max(1000).optional(),
          contact: z.string().max(2000).optional(),
          allowPrivateNetwork: z.boolean().optional(),
        })
        .strict(),
    recipientSchema,
  ),
  'recipients.delete': method(['owner'], byId, done),

  'plans.list': method(['owner'], none, () => z.array(planSchema())),
  'plans.get': method(['owner'], byId, planSchema),
  'plans.create': method(
    ['owner'],
    () =>
      z
        .object({
          name: z.string().max(1000),
          intervalMs: durationMs(),
          levels: z.array(planLevelSchema()).length(5),
          isDefault: z.boolean().default(false),
        })
        .strict(),
    planSchema,
  ),
  'plans.update': method(
    ['owner'],
    () =>
      z
        .object({
          id: idSchema(),
          name: z.string().max(1000).optional(),
          intervalMs: durationMs().optional(),
          levels: z.array(planLevelSchema()).length(5).optional(),
          isDefault: z.literal(true).optional(),
        })
        .strict(),
    planSchema,
  ),
  'plans.delete': method(['owner'], byId, done),
  'plans.simulate': method(
    ['owner'],
    () =>
      z
        .object({
          id: idSchema().optional(),
          intervalMs: durationMs().optional(),
          levels: z.array(planLevelSchema()).length(5).optional(),
        })
        .strict(),
    () => z.object({ timeline: z.array(timelineEventSchema()) }),
  ),
  /** What the plan delivers when it ends: its active messages (the default plan: also those naming no plan) and who gets each. */
  'plans.deliveries': method(['owner'], byId, () =>
    z.object({
      messages: z.array(
        z.object({
          id: idSchema(),
          title: z.string(),
          deliveryDelayMs: z.number().int(),
          recipients: z.array(recipientSchema()),
        }),
      ),
    }),
  ),
  'plans.pause': method(
    ['owner'],
    () => z.object({ until: z.number().int().min(0).max(MAX_DATE_MS) }).strict(),
    () => z.object({ transitions: z.array(transitionSchema()) }),
  ),
  'plans.resume': method(['owner'], none, () => z.object({ transitions: z.array(transitionSchema()) })),
  'plans.stop': method(
    ['owner'],
    () => z.object({ recoveryKey: z.string().max(200) }).strict(),
    () => z.object({ transitions: z.array(transitionSchema()) }),
  ),
} as const satisfies Record<string, MethodSpec>;
