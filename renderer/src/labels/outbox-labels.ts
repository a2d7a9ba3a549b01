import type { Translate } from '../i18n/useT';

/** What an outbox row carries: warning, delivery, notice or test (electron/core/db/schema.ts OutboxKind). */
export function outboxKindLabel(t: Translate, kind: string): string {
  switch (kind) {
    case 'warning':
      return t('common:outboxKind.warning');
    case 'delivery':
      return t('common:outboxKind.delivery');
    case 'notice':
      return t('common:outboxKind.notice');
    case 'test':
      return t('common:outboxKind.test');
    default:
      return kind;
  }
}
