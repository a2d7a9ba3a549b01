import type { Translate } from '../i18n/useT';
import { lookup } from './lookup';

/** What an outbox row carries: warning, delivery, notice or test (electron/core/db/schema.ts OutboxKind). */
export function outboxKindLabel(t: Translate, kind: string): string {
  return lookup(
    kind,
    {
      warning: () => t('common:outboxKind.warning'),
      delivery: () => t('common:outboxKind.delivery'),
      notice: () => t('common:outboxKind.notice'),
      test: () => t('common:outboxKind.test'),
    },
    kind,
  );
}
