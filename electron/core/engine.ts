import type { Clock } from './ports/clock.js';
import type { Notifier } from './ports/notifier.js';
import type { SendGate } from './ports/send-gate.js';
import { PromptNotifier } from './delivery/prompt-notifier.js';
import { defaultPlanSpec } from '../../shared/plans.js';
import { ContentResolver } from './delivery/content-resolver.js';
import type { ChannelSender } from './delivery/delivery-types.js';
import type { SmtpSettings } from './delivery/email-sender.js';
import { lazySender } from './delivery/lazy-sender.js';
import { Outbox } from './delivery/outbox.js';
import { enqueueOwnerNotice } from './delivery/owner-notices.js';
import { DEFAULT_CONCURRENCY, OutboxWorker, type DrainReport } from './delivery/outbox-worker.js';
import { SETTINGS, smtpSettingsSchema } from './delivery/owner-settings.js';
import { generateWebhookSecret } from './delivery/webhook-secret.js';
import { HistoryBreakNotices } from './schedule/history-break-notices.js';
import { DAMAGED_PREFIX, IntegrityPass, openAttachmentProblems } from './schedule/integrity-pass.js';
import { PlanStore } from './schedule/plan-store.js';
import { Scheduler, type TickReport, type TransitionReport } from './schedule/scheduler.js';
import type { VaultServices } from './services.js';
import type { ObjectStoreFactory } from './ports/object-store.js';
import { AutoBackup } from './backup/auto-backup.js';

export interface EnginePorts {
  clock: Clock;
  notifier?: Notifier;
  webhookSender?: ChannelSender;
  emailSenderFor?: (settings: SmtpSettings) => ChannelSender;
  concurrency?: number;
  leaseMs?: number;
  /** Signed one-time check-in links for warning e-mails (AppCore passes core/api/checkin-links.ts). */
  checkinLink?: () => string | null;
  /** Plan transitions, once stored, whoever caused them (a tick, a check-in, a pause…). */
  onTransitions?: (reports: readonly TransitionReport[]) => void;
  /** Runs before each pass's tick (check-ins made on a standby runner count first); its failures are its own. */
  beforePass?: () => Promise<void>;
  /** Opens the backup bucket: with it, each pass pushes a snapshot when one is due (automatic backups). */
  objectStores?: ObjectStoreFactory;
  /** Asked before each send when a standby runner may send too (see OutboxWorkerDeps.sendGate). */
  sendGate?: SendGate;
  /** Before each pass's drain (the lease's tick); never throws. */
  beforeDrain?: () => Promise<void>;
}

export interface Engine {
  scheduler: Scheduler;
  worker: OutboxWorker;
  outbox: Outbox;
  /** Automatic backups (null without a bucket adapter). */
  backups: AutoBackup | null;
  /** One scheduler pass, then send everything that is due; then starts a backup push if one is due (not awaited). */
  runOnce(source?: string): Promise<{ tick: TickReport; drain: DrainReport }>;
  /** Resolves once background work (a backup push) is done: before the vault closes. */
  settled(): Promise<void>;
  /** Shutting down: none starts, and a backup push under way is cut short after a grace (AutoBackup.stop). */
  stopBackups(graceMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** What a new vault starts with: the default plan, and the secret that signs deliveries to webhooks. */
export function initializeVaultContent(services: VaultServices): void {
  if (!services.plans.defaultPlanId()) services.plans.create(defaultPlanSpec(), { isDefault: true });
  if (!services.settings.get<string>('deliverySigningSecret')) {
    services.settings.set('deliverySigningSecret', generateWebhookSecret());
  }
}

/** Wires the scheduler and the outbox worker for an unlocked vault. */
export function createEngine(services: VaultServices, ports: EnginePorts): Engine {
  const { vault, settings, plans } = services;
  const db = vault.db;
  const outbox = new Outbox(db, ports.clock);
  const planStore = new PlanStore(db);
  const scheduler = new Scheduler({
    db,
    clock: ports.clock,
    audit: vault.audit,
    outbox,
    onTransitions: ports.onTransitions,
  });
  const integrityPass = new IntegrityPass({
    services,
    notices: { db, key: vault.contentKey, outbox },
    clock: ports.clock,
  });
  const resolver = new ContentResolver({
    key: vault.contentKey,
    messages: services.messages,
    recipients: services.recipients,
    settings,
    webhooks: services.webhooks,
    plans,
    now: () => ports.clock.now(),
    messageCount: (planId) => planStore.armableMessageIds(planId, plans.get(planId).isDefault).length,
    deliveryDelayMs: (planId) => planStore.minDeliveryDelayMs(planId, plans.get(planId).isDefault),
    checkinLink: ports.checkinLink,
    knownDamaged: (messageId) =>
      new Map(
        openAttachmentProblems(services)
          .filter((p) => p.messageId === messageId)
          .map((p) => [p.attachmentId, p.problem]),
      ),
    onDamagedWhileSending: (messageId, damaged) =>
      integrityPass.recordFound({
        attachmentId: damaged.id,
        messageId,
        problem: `${DAMAGED_PREFIX}${damaged.problem}`,
      }),
    onLostAttachments: (messageId, lost) => {
      for (const attachment of lost) {
        enqueueOwnerNotice(
          { db, key: vault.contentKey, outbox },
          {
            id: `lost-attachment:${attachment.id}`,
            subject: 'A message went without one of its attachments',
            text: `The attachment "${attachment.name}" of message ${messageId} could not be included (${attachment.problem}); the message was delivered without it, with a line saying so. Run \`afterword doctor\`.`,
          },
        );
      }
    },
  });

  let email: { sender: ChannelSender; fingerprint: string } | null = null;
  const emailSender = (): ChannelSender | null => {
    const parsed = smtpSettingsSchema().safeParse(settings.get(SETTINGS.smtp));
    if (!parsed.success) return null;
    const fingerprint = JSON.stringify(parsed.data);
    if (email?.fingerprint !== fingerprint) {
      void email?.sender.close?.();
      // One connection per lane: the pool never has more mails to send at once. The mails are
      // composed and sent in the mail thread, beside this thread's database work.
      const maxConnections = ports.concurrency ?? DEFAULT_CONCURRENCY;
      const smtp = parsed.data;
      const sender =
        ports.emailSenderFor?.(smtp) ??
        lazySender(async () => {
          const [{ EmailSender }, { sharedMailThread }] = await Promise.all([
            import('./delivery/email-sender.js'),
            import('./delivery/mail-thread/mail-thread.js'),
          ]);
          const mailThread = sharedMailThread();
          return new EmailSender(smtp, {
            pool: true,
            maxConnections,
            transportFor: (options) => mailThread.transport(options),
          });
        });
      email = { sender, fingerprint };
    }
    return email.sender;
  };
  const webhookSender: ChannelSender =
    ports.webhookSender ?? lazySender(async () => new (await import('./delivery/webhook-sender.js')).WebhookSender());

  const worker = new OutboxWorker({
    db,
    clock: ports.clock,
    key: vault.contentKey,
    audit: vault.audit,
    outbox,
    resolver,
    notifier: ports.notifier ?? new PromptNotifier(db, ports.clock),
    emailSender,
    webhookSender,
    concurrency: ports.concurrency,
    leaseMs: ports.leaseMs,
    sendGate: ports.sendGate,
  });

  const historyBreakNotices = new HistoryBreakNotices({ db, key: vault.contentKey, outbox });
  const backups = ports.objectStores
    ? new AutoBackup({ services, stores: ports.objectStores, notices: { db, key: vault.contentKey, outbox } })
    : null;

  return {
    scheduler,
    worker,
    outbox,
    backups,
    async runOnce(source = 'once') {
      // Check-ins made on another runner count before anything falls due here; a failure there is
      // its own (it logs it) and never stops a pass.
      await Promise.resolve()
        .then(() => ports.beforePass?.())
        .catch(() => undefined);
      // The tick comes first and the drain always runs: the checks read what anyone who can write
      // the vault file may have put into the audit log, so their failure must not stop a pass.
      const tick = scheduler.tick(source);
      const failures: unknown[] = [];
      const guarded = async (check: () => unknown): Promise<void> => {
        try {
          await check();
        } catch (error) {
          failures.push(error);
        }
      };
      await guarded(() => historyBreakNotices.run());
      await guarded(() => ports.beforeDrain?.());
      const drain = await worker.drain();
      await guarded(() => integrityPass.runIfDue());
      // Last, and not awaited: warnings and deliveries never wait for a bucket.
      await guarded(() => {
        const unreported = backups?.takeUnreported();
        backups?.kick();
        if (unreported) throw unreported;
      });
      // Rethrown once the tick and the drain are stored, so that the loop logs the failure and
      // `afterword run` exits with an error instead of reporting a pass that skipped its checks.
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, 'the history and integrity checks failed');
      return { tick, drain };
    },
    settled() {
      return backups?.settled() ?? Promise.resolve();
    },
    stopBackups(graceMs) {
      return backups?.stop(graceMs) ?? Promise.resolve();
    },
    async close() {
      await backups?.settled();
      await email?.sender.close?.();
      await webhookSender.close?.();
    },
  };
}
