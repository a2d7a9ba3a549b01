import * as z from 'zod';
import { MAX_DATE_MS } from '../durations.js';
import {
  attachmentInfoSchema,
  auditRowSchema,
  doctorReportSchema,
  drainReportSchema,
  channelSchema,
  channelsSchema,
  idSchema,
  messageDetailSchema,
  messageStatusSchema,
  messageSummarySchema,
  mfaEnrolmentSchema,
  mfaStatusSchema,
  planLevelSchema,
  planSchema,
  recipientEntrySchema,
  recipientSchema,
  sendResultSchema,
  settingsSchema,
  setupStateSchema,
  smtpInputSchema,
  statusReportSchema,
  tickReportSchema,
  timelineEventSchema,
  tokenSchema,
  transitionSchema,
  vaultStatusSchema,
} from './dto.js';

import { done, method, none, once, type MethodSpec } from './method-spec.js';
import { BACKUP_METHODS } from './backup-methods.js';
import { STANDBY_METHODS } from './standby-methods.js';

export type { MethodSpec } from './method-spec.js';
const byId = once(() => z.object({ id: idSchema() }).strict());
const password = once(() => z.string().min(1).max(1024));
/** A 6-digit code from the authenticator app, or one of the recovery codes (spaces and dashes allowed). */
const secondFactorCode = once(() => z.string().trim().min(1).max(64));
const durationMs = once(() =>
  z
    .number()
    .int()
    .min(60_000)
    .max(3650 * 86_400_000),
);

/** Upload and download attachments in chunks of this many bytes (base64 on the wire). */
export const ATTACHMENT_CHUNK_BYTES = 256 * 1024;

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

/**
 * The whole RPC surface, one entry per method: who may call it, what it takes, what it returns.
 * The preload, the Electron router, the runner's HTTP/WebSocket router and the renderer client
 * are all derived from this object; nothing else names a channel.
 */
export const CONTRACT = {
  'vault.status': method(['public'], none, vaultStatusSchema),
  /** `setupToken`: the one-time token `afterword serve` prints while it has no vault (HTTP only; IPC needs none). */
  'vault.create': method(
    ['public'],
    () => z.object({ password: password(), setupToken: z.string().max(1000).optional() }).strict(),
    () => z.object({ recoveryKey: z.string() }),
  ),
  /**
   * Over the network (the runner) with two-step sign-in on, `code` is needed too (else MFA_REQUIRED).
   * `acceptOlderVault`: the owner restored an older copy on purpose (see vault.status `olderCopy`).
   */
  'vault.unlock': method(
    ['public'],
    () =>
      z
        .object({
          password: password(),
          code: secondFactorCode().optional(),
          acceptOlderVault: z.literal(true).optional(),
        })
        .strict(),
    done,
  ),
  'vault.recover': method(
    ['public'],
    () => z.object({ recoveryKey: z.string().max(200), newPassword: password() }).strict(),
    done,
  ),
  'vault.lock': method(['owner'], none, done),
  'vault.changePassword': method(
    ['owner'],
    () => z.object({ currentPassword: password(), newPassword: password() }).strict(),
    done,
  ),
  'vault.regenerateRecoveryKey': method(
    ['owner'],
    () => z.object({ password: password() }).strict(),
    () => z.object({ recoveryKey: z.string() }),
  ),
  'vault.setUnattended': method(['owner'], () => z.object({ enabled: z.boolean() }).strict(), vaultStatusSchema),

  /** Two-step sign-in: a code from an authenticator app besides the password, for the runner's sign-in. */
  'mfa.status': method(['owner'], none, mfaStatusSchema),
  /**
   * A new secret and recovery codes (shown once), on at once; `confirm: true` (the UI): on only
   * after mfa.confirm with a first code, so that a failed scan cannot lock the owner out.
   */
  'mfa.enable': method(['owner'], () => z.object({ confirm: z.boolean().default(false) }).strict(), mfaEnrolmentSchema),
  'mfa.confirm': method(['owner'], () => z.object({ code: secondFactorCode() }).strict(), mfaStatusSchema),
  /** Needs the password or a current code (a recovery code too). */
  'mfa.disable': method(
    ['owner'],
    () =>
      z
        .object({ password: password().optional(), code: secondFactorCode().optional() })
        .strict()
        .refine(
          (input) => input.password !== undefined || input.code !== undefined,
          'give the password or a code from the authenticator app',
        ),
    mfaStatusSchema,
  ),

  'setup.get': method(['owner'], none, setupStateSchema),
  /** One group of the recovery key typed back (0-based index): proves it was written down. */
  'setup.confirmRecoveryKey': method(
    ['owner'],
    () => z.object({ group: z.number().int().min(0).max(20), value: z.string().max(40) }).strict(),
    setupStateSchema,
  ),
  /** Moves the first run on ('test' skips the e-mail step, 'done' finishes); never past an unconfirmed recovery key. */
  'setup.advance': method(['owner'], () => z.object({ to: z.enum(['test', 'done']) }).strict(), setupStateSchema),

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

  checkin: method(['owner', 'checkin'], none, () =>
    z.object({ at: z.number().int(), transitions: z.array(transitionSchema()) }),
  ),

  'channels.get': method(['owner'], none, channelsSchema),
  'channels.setSmtp': method(['owner'], () => smtpInputSchema().strict(), done),
  /** `allowPrivateNetwork`: the webhook is on the owner's own network (loopback and private addresses allowed). */
  'channels.addWebhook': method(
    ['owner'],
    () =>
      z
        .object({ name: z.string().max(40), url: z.string().max(2000), allowPrivateNetwork: z.boolean().optional() })
        .strict(),
    () => z.object({ id: idSchema(), secret: z.string() }),
  ),
  /** Whether a webhook is on the owner's own network (loopback and private addresses allowed). */
  'channels.updateWebhook': method(
    ['owner'],
    () => z.object({ name: z.string().max(40), allowPrivateNetwork: z.boolean() }).strict(),
    done,
  ),
  'channels.removeWebhook': method(['owner'], () => z.object({ name: z.string().max(40) }).strict(), done),
  /** `smtp` (e-mail only): test these mail server settings, as entered, instead of the stored ones. */
  'channels.test': method(
    ['owner'],
    () =>
      z
        .object({
          channel: z.union([channelSchema(), z.string().max(40)]),
          smtp: smtpInputSchema().strict().optional(),
        })
        .strict(),
    /** On a failure: whether a retry can help (`permanent`), and when the server asked to be tried again. */
    () => sendResultSchema().extend({ permanent: z.boolean().optional(), retryAfterMs: z.number().optional() }),
  ),

  'status.get': method(['owner', 'monitor'], none, statusReportSchema),
  /** One scheduler pass and outbox drain now (the CLI's `tick`; a running app does this every minute anyway). */
  'scheduler.tick': method(['owner'], none, () => z.object({ tick: tickReportSchema(), drain: drainReportSchema() })),

  'audit.page': method(
    ['owner'],
    () =>
      z
        .object({ beforeSeq: z.number().int().optional(), limit: z.number().int().min(1).max(500).default(100) })
        .strict(),
    () => z.object({ rows: z.array(auditRowSchema()) }),
  ),
  'audit.verify': method(['owner'], none, () =>
    z.object({ ok: z.boolean(), problems: z.array(z.object({ seq: z.number().nullable(), problem: z.string() })) }),
  ),
  /** Reads the database and decrypts every blob; `ok` false when anything is damaged. */
  'vault.doctor': method(['owner'], none, doctorReportSchema),

  'settings.get': method(['owner'], none, settingsSchema),
  'settings.set': method(
    ['owner'],
    () =>
      z
        .object({
          autoLockMinutes: settingsSchema().shape.autoLockMinutes.optional(),
          startAtLogin: z.boolean().optional(),
          publicUrl: z
            .url({ protocol: /^https?$/ })
            .nullable()
            .optional(),
          owner: z
            .object({ email: z.string().max(320), name: z.string().max(200).nullable() })
            .nullable()
            .optional(),
        })
        .strict(),
    settingsSchema,
  ),

  'tokens.list': method(['owner'], none, () => z.array(tokenSchema())),
  'tokens.create': method(
    ['owner'],
    () => z.object({ role: z.enum(['checkin', 'monitor']), label: z.string().min(1).max(100) }).strict(),
    () => z.object({ id: idSchema(), token: z.string() }),
  ),
  'tokens.delete': method(['owner'], byId, done),

  ...BACKUP_METHODS,
  ...STANDBY_METHODS,
} as const satisfies Record<string, MethodSpec>;

export type Contract = typeof CONTRACT;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export const METHOD_NAMES = Object.keys(CONTRACT) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(CONTRACT, name);
}

export { channelSchema };
