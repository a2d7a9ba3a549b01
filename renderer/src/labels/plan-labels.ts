import type { ChannelGap } from '../../../shared/level-readiness.js';
import type { NextEvent, TimelineEvent } from '../../../shared/plan-events.js';
import type { Translate } from '../i18n/useT';
import { lookup } from './lookup';

/** The name the vault's first plan is created with (shared/plans.ts defaultPlanSpec). */
const SEEDED_DEFAULT_NAME = 'Default';

/** A plan's name for display: the seeded default plan's name in the reader's language. */
export function planName(t: Translate, name: string): string {
  return name === SEEDED_DEFAULT_NAME ? t('plans:defaultName') : name;
}

/** "Webhooks: none configured", "E-mail: no mail server set up", … */
export function gapLabel(t: Translate, gap: ChannelGap): string {
  switch (gap.reason) {
    case 'noWebhooks':
      return t('plans:gaps.noWebhooks');
    case 'webhookMissing':
      return t('plans:gaps.webhookMissing', { name: gap.channel.slice('webhook:'.length) });
    case 'noMailServer':
      return t('plans:gaps.noMailServer');
    case 'noOwnerEmail':
      return t('plans:gaps.noOwnerEmail');
  }
}

/** A plan's phase (`status.get` → plans[].phase, or a phase read from the audit log) in words. */
export function phaseLabel(t: Translate, phase: string): string {
  return lookup(
    phase,
    {
      created: () => t('common:phase.created'),
      scheduled: () => t('common:phase.scheduled'),
      warning: () => t('common:phase.warning'),
      waiting: () => t('common:phase.waiting'),
      triggered: () => t('common:phase.triggered'),
      sent: () => t('common:phase.sent'),
      paused: () => t('common:phase.paused'),
      stopped: () => t('common:phase.stopped'),
    },
    phase,
  );
}

/** A state label as the core writes it in transitions and the audit log: `warning(2)`, `waiting(1)`, `scheduled`. */
export function stateLabel(t: Translate, state: string): string {
  const m = /^(\w+)\((\d+)\)$/.exec(state);
  if (!m) return phaseLabel(t, state);
  return t('common:stateWithLevel', { state: phaseLabel(t, m[1]!), level: Number(m[2]) });
}

/** What comes next (`status.get` → plans[].nextEvent) in words. */
export function nextEventLabel(t: Translate, next: NextEvent): string {
  switch (next.kind) {
    case 'warning':
      return next.sending
        ? t('common:nextEvent.sending', { level: next.level })
        : t('common:nextEvent.warning', { level: next.level });
    case 'delivery':
      return t('common:nextEvent.delivery');
    case 'pauseEnds':
      return t('common:nextEvent.pauseEnds');
  }
}

/** A point of a plan's timeline (`plans.simulate`) in words. */
export function timelineEventLabel(t: Translate, event: TimelineEvent, level: number): string {
  return event === 'warning' ? t('common:nextEvent.warning', { level }) : t('common:nextEvent.delivery');
}

/** Channel names as plans and the outbox use them: desktop, email, webhook, webhook:NAME. */
export function channelLabel(t: Translate, channel: string): string {
  if (channel === 'desktop') return t('common:channel.desktop');
  if (channel === 'email') return t('common:channel.email');
  if (channel === 'webhook') return t('common:channel.webhook');
  if (channel.startsWith('webhook:'))
    return t('common:channel.namedWebhook', { name: channel.slice('webhook:'.length) });
  return channel;
}
