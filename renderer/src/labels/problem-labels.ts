import type { StatusProblem } from '../../../shared/status-problems.js';
import type { Translate } from '../i18n/useT';
import { formatDateTime } from '../i18n/format';

/**
 * status.get → problems, in the reader's language with what to do in the app. Each code of
 * shared/status-problems.ts has its key in every bundle; a code this build does not know (a newer
 * runner) is shown in the core's English.
 */
export function problemText(t: Translate, problem: StatusProblem, language = 'en'): string {
  const plan = String(problem.params.plan ?? '');
  switch (problem.code) {
    case 'OWNER_EMAIL_MISSING':
      return t('dashboard:problem.noOwnerEmail', { plan });
    case 'PLAN_SMTP_MISSING':
      return t('dashboard:problem.planNeedsSmtp', { plan });
    case 'RECIPIENTS_SMTP_MISSING':
      return t('dashboard:problem.recipientsNeedSmtp');
    case 'SCHEDULER_STALE':
      return t('dashboard:problem.schedulerStale');
    case 'PLAN_WEBHOOK_MISSING':
      return problem.params.webhook
        ? t('dashboard:problem.planWebhookMissing', { plan, webhook: String(problem.params.webhook) })
        : t('dashboard:problem.planNoWebhooks', { plan });
    case 'AUDIT_HISTORY_BROKEN':
      return t('dashboard:problem.auditHistoryBroken');
    case 'ATTACHMENT_DAMAGED':
      return t('dashboard:problem.attachmentDamaged');
    case 'SETUP_UNFINISHED':
      if (!problem.params.recoveryKeyConfirmed && !problem.params.ownerEmailSet)
        return t('dashboard:problem.setupNeither');
      return problem.params.recoveryKeyConfirmed
        ? t('dashboard:problem.setupNoEmail')
        : t('dashboard:problem.setupNoKey');
    case 'PRIVATE_NETWORK_KEPT':
      return problem.params.kind === 'webhook'
        ? t('dashboard:problem.webhookPrivateKept', { webhook: String(problem.params.name) })
        : t('dashboard:problem.recipientPrivateKept');
    case 'BACKUP_FAILING': {
      const since = Number(problem.params.since);
      return t('dashboard:problem.backupFailing', {
        since: Number.isFinite(since) ? formatDateTime(since, language) : '?',
      });
    }
    case 'STANDBY_TOOK_OVER': {
      const when = (value: unknown) => {
        const at = Number(value);
        return Number.isFinite(at) ? formatDateTime(at, language) : '?';
      };
      const standby = String(problem.params.standby ?? '');
      return problem.params.level === undefined
        ? t('dashboard:problem.standbyTookOver', { standby, when: when(problem.params.at) })
        : t('dashboard:problem.standbyTookOverWarned', {
            standby,
            when: when(problem.params.at),
            level: String(problem.params.level),
            levelWhen: when(problem.params.levelAt),
          });
    }
    case 'RESTORED_COPY_PAUSED': {
      const at = Number(problem.params.at);
      return t('dashboard:problem.restoredCopyPaused', {
        when: Number.isFinite(at) ? formatDateTime(at, language) : '?',
      });
    }
    default:
      return problem.message;
  }
}
