import type { Translate } from '../i18n/useT';

/**
 * status.get → problems are English sentences written for the CLI. The known ones are shown in
 * the reader's language with what to do in the app; anything else is shown as the core wrote it.
 * (Better: the core sends a code and parameters. Until then these patterns follow
 * electron/core/schedule/status.ts, and problem-labels.test.ts holds its exact wording.)
 */
export function problemText(t: Translate, problem: string): string {
  const noOwner = /^plan "(.*)" warns by e-mail but no owner e-mail is set/.exec(problem);
  if (noOwner) return t('dashboard:problem.noOwnerEmail', { plan: noOwner[1] });
  const noSmtp = /^plan "(.*)" warns by e-mail but no SMTP account is set/.exec(problem);
  if (noSmtp) return t('dashboard:problem.planNeedsSmtp', { plan: noSmtp[1] });
  if (/^messages go to e-mail recipients but no SMTP account is set/.test(problem)) return t('dashboard:problem.recipientsNeedSmtp');
  if (/^the scheduler has not run for two days/.test(problem)) return t('dashboard:problem.schedulerStale');
  return problem;
}
