import type { Translate } from '../../i18n/useT';
import { webhookUrlProblemText } from '../../labels/webhook-url-problem';
import type { ContactProblem } from './contact-validation';

/** A recipient address problem in the reader's language (an empty field only when `showEmpty`). */
export function contactErrorText(t: Translate, problem: ContactProblem | null, showEmpty: boolean): string | undefined {
  switch (problem) {
    case null:
      return undefined;
    case 'empty':
      return showEmpty ? t('recipients:form.contactRequired') : undefined;
    case 'email':
      return t('recipients:form.invalidEmail');
    case 'url':
      return t('recipients:form.invalidUrl');
    default:
      return webhookUrlProblemText(t, problem);
  }
}
