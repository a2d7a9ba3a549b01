import type { WebhookUrlProblem } from '../../../shared/webhook-url.js';
import type { Translate } from '../i18n/useT';

/** A webhook URL problem (shared/webhook-url.ts) in the reader's language, with what to do. */
export function webhookUrlProblemText(t: Translate, problem: WebhookUrlProblem): string {
  switch (problem) {
    case 'invalid':
    case 'scheme':
      return t('channels:webhooks.urlInvalid');
    case 'credentials':
      return t('channels:webhooks.urlCredentials');
    case 'ipForm':
      return t('channels:webhooks.urlIpForm');
    case 'forbiddenAddress':
      return t('channels:webhooks.urlForbidden');
    case 'privateAddress':
      return t('channels:webhooks.urlPrivate');
  }
}
