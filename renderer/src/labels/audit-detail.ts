import type { Translate } from '../i18n/useT';
import { deliveryErrorText } from './delivery-labels';
import { outboxKindLabel } from './outbox-labels';
import { channelLabel, planName, stateLabel } from './plan-labels';
import { lookup } from './lookup';

/** An audit row as `audit.page` returns it. */
export interface AuditEntry {
  action: string;
  entityType: string | null;
  entityId: string | null;
  detail: Record<string, unknown>;
}

/** Names for the ids the log records (what exists now; a deleted one is said to be deleted). */
export interface AuditNames {
  plans: Record<string, string>;
  messages: Record<string, string>;
  recipients: Record<string, string>;
}

/** The formatters the words need, bound to the reader's language (useFormat()). */
export interface AuditFormat {
  dateTime(ms: number): string;
  duration(ms: number): string;
  list(items: readonly string[]): string;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** What the row is about, by name: "Plan “Family”", "Message “For Anna”", "Setting: mail server". Null: nothing worth naming. */
export function auditSubject(t: Translate, entry: AuditEntry, names: AuditNames): string | null {
  const id = entry.entityId;
  if (!id) return null;
  switch (entry.entityType) {
    case 'plan':
      return names.plans[id] !== undefined
        ? t('activity:subject.plan', { name: planName(t, names.plans[id]) })
        : t('activity:subject.deletedPlan');
    case 'message':
      return names.messages[id] !== undefined
        ? t('activity:subject.message', { title: names.messages[id] || t('activity:untitled') })
        : t('activity:subject.deletedMessage');
    case 'recipient':
      return names.recipients[id] !== undefined
        ? t('activity:subject.recipient', { name: names.recipients[id] })
        : t('activity:subject.deletedRecipient');
    case 'setting':
      return t('activity:subject.setting', { setting: settingLabel(t, id) });
    default:
      // Outbox rows, tokens and webhooks say what they are in their details; their ids mean nothing to a person.
      return null;
  }
}

/** A setting's key in words (electron/core: SETTINGS, UI_SETTINGS and the secrets the core keeps). */
export function settingLabel(t: Translate, key: string): string {
  return lookup(
    key,
    {
      owner: () => t('activity:setting.owner'),
      smtp: () => t('activity:setting.smtp'),
      publicUrl: () => t('activity:setting.publicUrl'),
      'ui.autoLockMinutes': () => t('activity:setting.autoLock'),
      'ui.startAtLogin': () => t('activity:setting.startAtLogin'),
      deliverySigningSecret: () => t('activity:setting.signingSecret'),
      checkinLinkSecret: () => t('activity:setting.checkinLinkSecret'),
    },
    t('activity:setting.other'),
  );
}

/** Where a check-in came from: the core records `<transport>:<role>` (or `cli`). */
export function checkinSourceLabel(t: Translate, source: string): string {
  const [transport, role] = source.split(':');
  if (transport === 'link') return t('activity:source.link');
  if (transport === 'tray') return t('activity:source.tray');
  if (transport === 'notification') return t('activity:source.notification');
  if (transport === 'cli') return t('activity:source.cli');
  if (role === 'checkin') return t('activity:source.token');
  return t('activity:source.app');
}

/** `warning 2 issued`, `checked in`, …: why a plan changed state (plan-machine.ts reasons). */
export function transitionReason(t: Translate, reason: string): string | null {
  const issued = /^warning (\d+) issued$/.exec(reason);
  if (issued) return t('activity:reason.warningIssued', { level: Number(issued[1]) });
  if (reason.startsWith('resumed from')) return t('activity:reason.resumed');
  return lookup(
    reason,
    {
      armed: () => t('activity:reason.armed'),
      'armed again by a new message': () => t('activity:reason.armedAgain'),
      'nothing to send': () => t('activity:reason.nothingToSend'),
      'pause ended': () => t('activity:reason.pauseEnded'),
      'no answer to the final warning': () => t('activity:reason.noAnswer'),
      'every delivery finished': () => t('activity:reason.delivered'),
      'checked in': () => t('activity:reason.checkedIn'),
      paused: () => t('activity:reason.paused'),
      'emergency stop': () => t('activity:reason.stopped'),
      'wall clock jumped; wait restarted': () => t('activity:reason.clockJump'),
    },
    null,
  );
}

/** A field named in `message.updated`, `plan.updated` or `recipient.updated` (the core's own names). */
function fieldLabel(t: Translate, field: string): string | null {
  return lookup(
    field,
    {
      title: () => t('activity:field.title'),
      body: () => t('activity:field.body'),
      formatting: () => t('activity:field.body'),
      recipients: () => t('activity:field.recipients'),
      plan: () => t('activity:field.plan'),
      deliveryDelay: () => t('activity:field.delay'),
      status: () => t('activity:field.status'),
      attachments: () => t('activity:field.attachments'),
      name: () => t('activity:field.name'),
      contact: () => t('activity:field.contact'),
      intervalMs: () => t('activity:field.interval'),
      levels: () => t('activity:field.levels'),
      isDefault: () => t('activity:field.default'),
    },
    null,
  );
}

function changedFields(t: Translate, f: AuditFormat, value: unknown): string | null {
  const labels = [
    ...new Set(
      strings(value)
        .map((field) => fieldLabel(t, field))
        .filter((l): l is string => l !== null),
    ),
  ];
  return labels.length > 0 ? t('activity:detail.changed', { fields: f.list(labels) }) : null;
}

function unlockMethod(t: Translate, method: string | null, ui: boolean): string | null {
  if (method === 'password') return ui ? t('activity:detail.unlockedScreen') : t('activity:detail.byPassword');
  if (method === 'recovery') return t('activity:detail.byRecoveryKey');
  if (method === 'device') return t('activity:detail.byDeviceKey');
  if (method === 'session') return t('activity:detail.bySession');
  return null;
}

function keyStoreLabel(t: Translate, backend: string | null): string | null {
  if (!backend) return null;
  if (backend === 'file') return t('activity:detail.keyInFile');
  if (backend.startsWith('safeStorage')) return t('activity:detail.keyInSystemStore');
  return t('activity:detail.keyInKeyring');
}

/**
 * The particulars of one row in the reader's language, never as recorded keys: null when the
 * action says it all. Unknown actions and keys are left out rather than shown raw.
 */
export function auditDetailText(t: Translate, f: AuditFormat, entry: AuditEntry): string | null {
  const d = entry.detail;
  const parts: (string | null)[] = [];
  switch (entry.action) {
    case 'vault.unlocked':
      parts.push(unlockMethod(t, str(d.method), d.ui === true));
      break;
    case 'vault.unlock_failed':
      parts.push(
        str(d.method) === 'recovery'
          ? t('activity:detail.wrongRecoveryKey')
          : num(d.failures) !== null
            ? t('activity:detail.failures', { count: num(d.failures)! })
            : null,
      );
      break;
    case 'vault.device_key_enabled':
      parts.push(keyStoreLabel(t, str(d.backend)));
      break;
    case 'checkin':
      if (str(d.source)) parts.push(checkinSourceLabel(t, str(d.source)!));
      if (num(d.plans) !== null) parts.push(t('activity:detail.plansStartedOver', { count: num(d.plans)! }));
      break;
    case 'plan.transition': {
      const from = str(d.from);
      const to = str(d.to);
      const reason = transitionReason(t, str(d.reason) ?? '');
      // A check-in on a plan restarts its wait whatever its state: the reason says it, not "Waiting → Waiting".
      if (from && to && from !== to)
        parts.push(t('activity:transition', { from: stateLabel(t, from), to: stateLabel(t, to) }));
      parts.push(reason);
      break;
    }
    case 'plan.created':
      if (d.default === true) parts.push(t('activity:detail.madeDefault'));
      break;
    case 'plan.updated':
      parts.push(changedFields(t, f, d.fields));
      break;
    case 'plans.paused':
      if (num(d.until) !== null) parts.push(t('activity:detail.pausedUntil', { date: f.dateTime(num(d.until)!) }));
      if (num(d.plans) !== null) parts.push(t('activity:detail.plans', { count: num(d.plans)! }));
      break;
    case 'plans.resumed':
    case 'plans.stopped':
      if (num(d.plans) !== null) parts.push(t('activity:detail.plans', { count: num(d.plans)! }));
      break;
    case 'clock.jump_detected':
      if (num(d.jumpMs) !== null) {
        const jump = num(d.jumpMs)!;
        parts.push(
          jump >= 0
            ? t('activity:detail.clockForward', { duration: f.duration(jump) })
            : t('activity:detail.clockBack', { duration: f.duration(-jump) }),
        );
      }
      if (num(d.postponedDeliveries))
        parts.push(t('activity:detail.postponed', { count: num(d.postponedDeliveries)! }));
      break;
    case 'message.created':
      parts.push(t('activity:detail.recipients', { count: num(d.recipients) ?? 0 }));
      if (num(d.attachments)) parts.push(t('activity:detail.attachments', { count: num(d.attachments)! }));
      break;
    case 'message.updated':
    case 'recipient.updated':
      parts.push(changedFields(t, f, d.fields));
      break;
    case 'message.removed':
      if (num(d.attachments)) parts.push(t('activity:detail.attachments', { count: num(d.attachments)! }));
      break;
    case 'recipient.added':
      parts.push(
        str(d.type) === 'webhook'
          ? t('activity:detail.byWebhook')
          : str(d.type) === 'email'
            ? t('activity:detail.byEmail')
            : null,
      );
      break;
    case 'token.created':
      parts.push(
        str(d.role) === 'checkin'
          ? t('activity:detail.tokenCheckin')
          : str(d.role) === 'monitor'
            ? t('activity:detail.tokenMonitor')
            : null,
      );
      break;
    case 'channel.webhook_added':
    case 'channel.webhook_removed':
      if (str(d.name)) parts.push(channelLabel(t, `webhook:${str(d.name)!}`));
      break;
    case 'outbox.sent':
    case 'outbox.failed': {
      const kind = str(d.kind);
      const channel = str(d.channel);
      if (kind && channel)
        parts.push(t('activity:detail.outbox', { kind: outboxKindLabel(t, kind), channel: channelLabel(t, channel) }));
      if ((num(d.attempts) ?? 0) > 1) parts.push(t('activity:detail.attempts', { count: num(d.attempts)! }));
      if (str(d.errorCode)) parts.push(deliveryErrorText(t, str(d.errorCode)) ?? t('activity:detail.otherError'));
      if (d.recordedAfterRestart === true) parts.push(t('activity:detail.afterRestart'));
      break;
    }
    default:
      break;
  }
  const text = parts.filter((p): p is string => Boolean(p));
  return text.length > 0 ? text.join(t('activity:detail.separator')) : null;
}
