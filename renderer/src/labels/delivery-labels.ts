import type { Translate } from '../i18n/useT';
import { lookup } from './lookup';

/**
 * Why a send failed, from the error the outbox recorded ("SMTP_AUTH: 535 …") or a channel test's
 * errorCode: the code's advice in the reader's language; an unknown code gets null (show the raw text).
 * Codes: electron/core/delivery (email-sender, webhook-sender, outbox-worker).
 */
export function deliveryErrorText(t: Translate, error: string | null): string | null {
  const code = error ? /^([A-Z][A-Z_]+)\b/.exec(error)?.[1] : undefined;
  return lookup(
    code,
    {
      SMTP_NOT_CONFIGURED: () => t('errors:delivery.smtpNotConfigured'),
      SMTP_CONFIG: () => t('errors:delivery.smtpNotConfigured'),
      SMTP_AUTH: () => t('errors:delivery.smtpAuth'),
      SMTP_CONNECTION: () => t('errors:delivery.smtpConnection'),
      SMTP_TIMEOUT: () => t('errors:delivery.smtpConnection'),
      SMTP_REJECTED: () => t('errors:delivery.smtpRejected'),
      SMTP_TEMPORARY: () => t('errors:delivery.temporary'),
      WEBHOOK_TEMPORARY: () => t('errors:delivery.temporary'),
      SMTP_ERROR: () => t('errors:delivery.smtpError'),
      NO_OWNER_EMAIL: () => t('errors:delivery.noOwnerEmail'),
      WEBHOOK_UNREACHABLE: () => t('errors:delivery.webhookUnreachable'),
      WEBHOOK_REJECTED: () => t('errors:delivery.webhookRejected'),
      WEBHOOK_BAD_SECRET: () => t('errors:delivery.webhookRejected'),
      WEBHOOK_BAD_URL: () => t('errors:delivery.webhookBadUrl'),
      WEBHOOK_REDIRECT: () => t('errors:delivery.webhookBadUrl'),
      WEBHOOK_PRIVATE_ADDRESS: () => t('errors:delivery.webhookPrivateAddress'),
      WEBHOOK_FORBIDDEN_ADDRESS: () => t('errors:delivery.webhookForbiddenAddress'),
      WEBHOOK_REMOVED: () => t('errors:delivery.channelGone'),
      UNKNOWN_CHANNEL: () => t('errors:delivery.channelGone'),
      CHANNEL_MISMATCH: () => t('errors:delivery.channelGone'),
      RECIPIENT_DELETED: () => t('errors:delivery.recipientDeleted'),
    },
    null,
  );
}
