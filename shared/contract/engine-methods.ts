import * as z from 'zod';
import {
  auditRowSchema,
  doctorReportSchema,
  drainReportSchema,
  channelSchema,
  channelsSchema,
  idSchema,
  sendResultSchema,
  settingsSchema,
  smtpInputSchema,
  statusReportSchema,
  tickReportSchema,
  tokenSchema,
  transitionSchema,
} from './dto.js';
import { byId, done, method, none, type MethodSpec } from './method-spec.js';

/** The switch at work: check-in, channels, status, the scheduler, audit, settings and tokens (methods.ts). */
export const ENGINE_METHODS = {
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
} as const satisfies Record<string, MethodSpec>;
