import type { Translate } from '../i18n/useT';

/**
 * Why a send failed, from the error the outbox recorded ("SMTP_AUTH: 535 …") or a channel test's
 * errorCode: the code's advice in the reader's language; an unknown code gets null (show the raw text).
 * Codes: electron/core/delivery (email-sender, webhook-sender, outbox-worker).
 */
export function deliveryErrorText(t: Translate, error: string | null): string | null {
  const code = error ? /^([A-Z][A-Z_]+)\b/.exec(error)?.[1] : undefined;
  switch (code) {
    case 'SMTP_NOT_CONFIGURED':
    case 'SMTP_CONFIG':
      return t('errors:delivery.smtpNotConfigured');
    case 'SMTP_AUTH':
      return t('errors:delivery.smtpAuth');
    case 'SMTP_CONNECTION':
    case 'SMTP_TIMEOUT':
      return t('errors:delivery.smtpConnection');
    case 'SMTP_REJECTED':
      return t('errors:delivery.smtpRejected');
    case 'SMTP_TEMPORARY':
    case 'WEBHOOK_TEMPORARY':
      return t('errors:delivery.temporary');
    case 'SMTP_ERROR':
      return t('errors:delivery.smtpError');
    case 'NO_OWNER_EMAIL':
      return t('errors:delivery.noOwnerEmail');
    case 'WEBHOOK_UNREACHABLE':
      return t('errors:delivery.webhookUnreachable');
    case 'WEBHOOK_REJECTED':
    case 'WEBHOOK_BAD_SECRET':
      return t('errors:delivery.webhookRejected');
    case 'WEBHOOK_BAD_URL':
    case 'WEBHOOK_REDIRECT':
      return t('errors:delivery.webhookBadUrl');
    case 'WEBHOOK_PRIVATE_ADDRESS':
      return t('errors:delivery.webhookPrivateAddress');
    case 'WEBHOOK_FORBIDDEN_ADDRESS':
      return t('errors:delivery.webhookForbiddenAddress');
    case 'WEBHOOK_REMOVED':
    case 'UNKNOWN_CHANNEL':
    case 'CHANNEL_MISMATCH':
      return t('errors:delivery.channelGone');
    case 'RECIPIENT_DELETED':
      return t('errors:delivery.recipientDeleted');
    default:
      return null;
  }
}
