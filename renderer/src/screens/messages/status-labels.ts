import type { Translate } from '../../i18n/useT';

export type MessageStatus = 'draft' | 'active' | 'paused' | 'sent';

export function messageStatusLabel(t: Translate, status: string): string {
  switch (status) {
    case 'draft':
      return t('messages:status.draft');
    case 'active':
      return t('messages:status.active');
    case 'paused':
      return t('messages:status.paused');
    case 'sent':
      return t('messages:status.sent');
    default:
      return status;
  }
}

export function messageStatusColor(status: string): string {
  return status === 'active' ? 'teal' : status === 'paused' ? 'yellow' : status === 'sent' ? 'blue' : 'gray';
}
