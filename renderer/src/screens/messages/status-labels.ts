import type { Translate } from '../../i18n/useT';
import { lookup } from '../../labels/lookup';

export type MessageStatus = 'draft' | 'active' | 'paused' | 'sent';

export function messageStatusLabel(t: Translate, status: string): string {
  return lookup(
    status,
    {
      draft: () => t('messages:status.draft'),
      active: () => t('messages:status.active'),
      paused: () => t('messages:status.paused'),
      sent: () => t('messages:status.sent'),
    },
    status,
  );
}

export function messageStatusColor(status: string): string {
  return status === 'active' ? 'teal' : status === 'paused' ? 'yellow' : status === 'sent' ? 'blue' : 'gray';
}
