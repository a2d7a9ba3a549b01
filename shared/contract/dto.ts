import * as z from 'zod';
import { once } from '../once.js';
import { PLAN_PHASES, TIMELINE_EVENTS } from '../plan-events.js';
import { PROMPT_KINDS } from '../prompt-kinds.js';
import { STATUS_PROBLEM_CODES } from '../status-problems.js';
import { smtpHostSchema } from '../validation.js';
import { backupHealthSchema } from './backup-dto.js';
import { runnerFactsSchema } from './runner-dto.js';

/** Shapes of the data that crosses the contract. Times are epoch milliseconds. */

export const idSchema = once(() => z.string().regex(/^[a-z]{3,4}_[0-9a-hjkmnp-tv-z]{16}$/, 'not an Afterword id'));
const time = once(() => z.number().int());

export const vaultStatusSchema = once(() =>
  z.object({
    exists: z.boolean(),
    unlocked: z.boolean(),
    /** While a wrong-password backoff runs: how long until the next attempt is heard. */
    retryAfterMs: z.number().int().nonnegative(),
    unattended: z.object({ enabled: z.boolean(), backend: z.string().nullable() }),
    /** Whether warnings and deliveries are running (the scheduler holds the key), whether or not the UI is locked. */
    watching: z.boolean(),
    /** Where the first run stands ('done' once finished); null while the UI is locked or no vault exists. */
    setupStep: z.enum(['recovery', 'owner', 'test', 'done']).nullable(),
    /**
     * Set when the vault is refused because it is older than the copy this machine last saw (check-ins
     * may be undone, deleted messages back) or its history differs; `vault.unlock` with
     * `acceptOlderVault: true` and the password opens it anyway.
     */
    olderCopy: z.enum(['older', 'rewritten']).optional(),
  }),
);

/** Two-step sign-in: on, waiting for its first code (pending), and how many recovery codes are unused. */
export const mfaStatusSchema = once(() =>
  z.object({
    enabled: z.boolean(),
    pending: z.boolean(),
    recoveryCodesLeft: z.number().int().nonnegative(),
  }),
);

/** Shown once when two-step sign-in is set up: the secret (as text and otpauth:// URI) and the recovery codes. */
export const mfaEnrolmentSchema = once(() =>
  z.object({
    secret: z.string(),
    uri: z.string(),
    recoveryCodes: z.array(z.string()),
  }),
);

/** The first run: its step, and the two things that must be done before the switch can be trusted. */
export const setupStateSchema = once(() =>
  z.object({
    step: z.enum(['recovery', 'owner', 'test', 'done']),
    /** The new recovery key, kept in the process's memory until confirmed; null once confirmed or after a restart. */
    recoveryKey: z.string().nullable(),
    recoveryKeyConfirmed: z.boolean(),
    ownerEmailSet: z.boolean(),
    /** Where the vault lives on the machine running the core (for the recovery key's emergency sheet). */
    vaultDir: z.string(),
  }),
);

export const recipientSchema = once(() =>
  z.object({
    id: idSchema(),
    name: z.string(),
    contact: z.string(),
    type: z.enum(['email', 'webhook']),
    createdAt: time(),
    updatedAt: time(),
    /** Webhook recipients: may reach loopback and private addresses (on the owner's own network). */
    allowPrivateNetwork: z.boolean(),
    /** Allowed there only because the recipient existed before that check. */
    privateNetworkKept: z.boolean(),
  }),
);

/** An address-book entry with the messages that go to it (recipients.list). */
export const recipientEntrySchema = once(() =>
  recipientSchema().extend({
    usedBy: z.array(z.object({ id: idSchema(), title: z.string() })),
  }),
);

export const messageStatusSchema = once(() => z.enum(['draft', 'active', 'paused', 'sent']));

export const messageSummarySchema = once(() =>
  z.object({
    id: idSchema(),
    title: z.string(),
    status: messageStatusSchema(),
    recipientCount: z.number().int(),
    attachmentCount: z.number().int(),
    createdAt: time(),
    updatedAt: time(),
    /** Present when the stored row cannot be read (tampering or corruption): what is wrong; the title is then ''. */
    damaged: z.string().optional(),
  }),
);

export const attachmentInfoSchema = once(() =>
  z.object({
    id: idSchema(),
    name: z.string(),
    size: z.number().int().nonnegative(),
    mediaType: z.string(),
  }),
);

export const messageDetailSchema = once(() =>
  z.object({
    id: idSchema(),
    title: z.string(),
    body: z.string(),
    /** Sanitized HTML (the allow-list of electron/core/repo/sanitize-html.ts), or null: text only. */
    bodyHtml: z.string().nullable(),
    status: messageStatusSchema(),
    planId: idSchema().nullable(),
    deliveryDelayMs: z.number().int().nonnegative(),
    recipients: z.array(recipientSchema()),
    attachments: z.array(attachmentInfoSchema()),
    createdAt: time(),
    updatedAt: time(),
  }),
);

export const channelSchema = once(() =>
  z.string().regex(/^(desktop|email|webhook|webhook:[a-z0-9][a-z0-9_-]{0,39})$/, 'unknown channel'),
);
export const planLevelSchema = once(() =>
  z.object({
    waitMs: z.number().int().min(60_000),
    channels: z.array(channelSchema()).min(1),
  }),
);

export const planSchema = once(() =>
  z.object({
    id: idSchema(),
    name: z.string(),
    intervalMs: z.number().int(),
    levels: z.array(planLevelSchema()).length(5),
    isDefault: z.boolean(),
    isTestPlan: z.boolean(),
    createdAt: time(),
    updatedAt: time(),
  }),
);

export const timelineEventSchema = once(() =>
  z.object({ at: time(), event: z.enum(TIMELINE_EVENTS), level: z.number().int() }),
);

export const nextEventSchema = once(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('warning'), level: z.number().int(), sending: z.boolean() }),
    z.object({ kind: z.literal('delivery') }),
    z.object({ kind: z.literal('pauseEnds') }),
  ]),
);

export const planStatusSchema = once(() =>
  z.object({
    id: idSchema(),
    name: z.string(),
    /** `warning(2)`, `waiting(1)`, `scheduled`: phase and level as the audit log records them. */
    state: z.string(),
    phase: z.enum(PLAN_PHASES),
    level: z.number().int(),
    isTestPlan: z.boolean(),
    activeMessages: z.number().int(),
    nextEvent: nextEventSchema().nullable(),
    nextEventAt: time().nullable(),
    deliveryAt: time().nullable(),
  }),
);

export const statusProblemSchema = once(() =>
  z.object({
    code: z.enum(STATUS_PROBLEM_CODES),
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    message: z.string(),
  }),
);

export const promptKindSchema = once(() => z.enum(PROMPT_KINDS));

/** A desktop prompt not answered yet (status.get → openPrompts; the warning.awaiting event). */
export const promptSchema = once(() =>
  z.object({
    planId: z.string().nullable(),
    level: z.number().int(),
    at: time(),
    kind: promptKindSchema(),
  }),
);

export const statusReportSchema = once(() =>
  z.object({
    now: time(),
    problems: z.array(statusProblemSchema()),
    plans: z.array(planStatusSchema()),
    /** Warnings, deliveries and notices; tests are counted apart in `tests`. */
    outbox: z.object({
      pending: z.number(),
      sending: z.number(),
      sent: z.number(),
      failed: z.number(),
      cancelled: z.number(),
      /** Warnings and deliveries of a restored copy, held until the owner resumes it. */
      held: z.number(),
    }),
    /** Test sends (a message to yourself, a channel test) and their outcome; never counted as deliveries. */
    tests: z.object({
      passed: z.number().int(),
      failed: z.number().int(),
      last: z
        .object({ at: time(), ok: z.boolean(), channel: z.string(), kind: z.enum(['message', 'channel']) })
        .nullable(),
    }),
    failures: z.array(
      z.object({ id: z.string(), kind: z.string(), channel: z.string(), error: z.string().nullable(), at: time() }),
    ),
    lastTick: z.object({ at: time(), source: z.string() }).nullable(),
    lastCheckinAt: time().nullable(),
    openPrompts: z.array(promptSchema()),
    owner: z.object({ emailSet: z.boolean() }),
    smtpConfigured: z.boolean(),
    unattended: z.object({ enabled: z.boolean(), backend: z.string().nullable() }),
    backup: backupHealthSchema(),
    /** Who sends for the vault (a standby may be paired): see runner-dto.ts. */
    runner: runnerFactsSchema(),
  }),
);

export const transitionSchema = once(() =>
  z.object({ planId: z.string(), from: z.string(), to: z.string(), reason: z.string() }),
);

/** One outbox pass: rows tried, sent, left to retry, given up. */
export const drainReportSchema = once(() =>
  z.object({
    attempted: z.number().int(),
    sent: z.number().int(),
    retrying: z.number().int(),
    failed: z.number().int(),
  }),
);

/** One scheduler pass: when, how far the clock jumped since the last one, what changed. */
export const tickReportSchema = once(() =>
  z.object({ at: time(), clockJumpMs: z.number(), transitions: z.array(transitionSchema()) }),
);

export const doctorReportSchema = once(() =>
  z.object({
    ok: z.boolean(),
    problems: z.array(z.string()),
    warnings: z.array(z.string()),
    checked: z.object({
      messages: z.number().int(),
      recipients: z.number().int(),
      attachments: z.number().int(),
      settings: z.number().int(),
      auditRows: z.number().int(),
    }),
  }),
);

export const smtpInputSchema = once(() =>
  z.object({
    host: smtpHostSchema(),
    port: z.number().int().min(1).max(65535),
    tls: z.enum(['implicit', 'starttls', 'none']),
    user: z.string().max(255).nullable(),
    /** Omitted: keep the stored password, for the same login on the same server only. */
    password: z.string().max(1024).nullable().optional(),
    from: z.string().max(320),
    /** Extra CA certificates (PEM) for a self-hosted server. Omitted: keep the stored ones; null: none. */
    ca: z
      .array(z.string().max(64 * 1024))
      .max(8)
      .nullable()
      .optional(),
  }),
);

export const channelsSchema = once(() =>
  z.object({
    smtp: z
      .object({
        host: z.string(),
        port: z.number().int(),
        tls: z.enum(['implicit', 'starttls', 'none']),
        user: z.string().nullable(),
        from: z.string(),
        passwordSet: z.boolean(),
      })
      .nullable(),
    webhooks: z.array(
      z.object({
        id: idSchema(),
        name: z.string(),
        url: z.string(),
        secret: z.string(),
        allowPrivateNetwork: z.boolean(),
        privateNetworkKept: z.boolean(),
      }),
    ),
    deliverySigningSecret: z.string().nullable(),
  }),
);

export const sendResultSchema = once(() =>
  z.object({
    ok: z.boolean(),
    errorCode: z.string().nullable(),
    response: z.string(),
  }),
);

export const auditRowSchema = once(() =>
  z.object({
    seq: z.number().int(),
    at: time(),
    action: z.string(),
    entityType: z.string().nullable(),
    entityId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  }),
);

export const settingsSchema = once(() =>
  z.object({
    autoLockMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
    startAtLogin: z.boolean(),
    publicUrl: z.string().nullable(),
    owner: z.object({ email: z.string(), name: z.string().nullable() }).nullable(),
  }),
);

export const tokenSchema = once(() =>
  z.object({
    id: idSchema(),
    role: z.enum(['checkin', 'monitor']),
    label: z.string(),
    createdAt: time(),
    lastUsedAt: time().nullable(),
  }),
);
