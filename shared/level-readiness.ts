/**
 * Whether a level's warning can go where the plan says, given what is set up, and where it will
 * really be given instead. Mirrors the scheduler: a webhook channel that leads nowhere is dropped
 * (a level left with nothing warns on the desktop, `routeLevel`), and an e-mail warning that cannot
 * be sent (no mail server, no owner address) fails for good and is given on the desktop.
 */
import { routeLevel, type Channel } from './plans.js';

export type GapReason = 'noWebhooks' | 'webhookMissing' | 'noMailServer' | 'noOwnerEmail';

export interface ChannelGap {
  channel: Channel;
  reason: GapReason;
}

export interface ChannelSetup {
  webhookNames: readonly string[];
  smtpConfigured: boolean;
  ownerEmailSet: boolean;
}

export interface LevelReadiness {
  /** The channels of the level that are not set up, and why. */
  gaps: ChannelGap[];
  /** Where the warning will be given: the channels that work, and the desktop it falls back to. */
  reaches: string[];
}

export function levelReadiness(channels: readonly Channel[], setup: ChannelSetup): LevelReadiness {
  const routed = routeLevel(channels, setup.webhookNames);
  const gaps: ChannelGap[] = routed.unreachable.map((channel) => ({
    channel,
    reason: channel === 'webhook' ? 'noWebhooks' : 'webhookMissing',
  }));
  let reaches = routed.channels;
  if (reaches.includes('email') && !(setup.smtpConfigured && setup.ownerEmailSet)) {
    gaps.push({ channel: 'email', reason: setup.smtpConfigured ? 'noOwnerEmail' : 'noMailServer' });
    reaches = reaches.filter((c) => c !== 'email');
    if (!reaches.includes('desktop')) reaches = ['desktop', ...reaches];
  }
  return { gaps, reaches };
}
