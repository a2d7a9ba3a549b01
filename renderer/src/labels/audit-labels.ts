import type { Translate } from '../i18n/useT';

/**
 * An audit row's action in words. Actions are stable strings written by the core
 * (electron/core/**: audit.append); one not listed here is shown as it is.
 */
export function auditActionLabel(t: Translate, action: string, detail?: Record<string, unknown>): string {
  // A test is not a delivery: said apart, with its outcome.
  if ((action === 'outbox.sent' || action === 'outbox.failed') && detail?.kind === 'test') {
    return action === 'outbox.sent' ? t('common:audit.testSent') : t('common:audit.testFailed');
  }
  if (action === 'channel.tested' && detail && typeof detail.ok === 'boolean') {
    return detail.ok ? t('common:audit.channelTestPassed') : t('common:audit.channelTestFailed');
  }
  switch (action) {
    case 'vault.created':
      return t('common:audit.vaultCreated');
    case 'vault.unlocked':
      return t('common:audit.vaultUnlocked');
    case 'vault.unlock_failed':
      return detail?.secondFactor === 'wrong' ? t('common:audit.mfaCodeWrong') : t('common:audit.unlockFailed');
    case 'vault.unlock_refused':
      return t('common:audit.unlockRefused');
    case 'vault.recovered':
      return t('common:audit.vaultRecovered');
    case 'vault.older_accepted':
      return t('common:audit.olderAccepted');
    case 'backup.restored':
      return t('common:audit.backupRestored');
    case 'vault.password_changed':
      return t('common:audit.passwordChanged');
    case 'vault.recovery_key_regenerated':
      return t('common:audit.recoveryKeyRegenerated');
    case 'vault.device_key_enabled':
      return t('common:audit.unattendedOn');
    case 'vault.device_key_disabled':
      return t('common:audit.unattendedOff');
    case 'mfa.enabled':
      return t('common:audit.mfaEnabled');
    case 'mfa.disabled':
      return t('common:audit.mfaDisabled');
    case 'audit.history_broken':
      return t('common:audit.historyBroken');
    case 'integrity.checked':
      return t('common:audit.integrityChecked');
    case 'checkin':
      return t('common:audit.checkin');
    case 'plan.transition':
      return t('common:audit.planTransition');
    case 'plan.created':
      return t('common:audit.planCreated');
    case 'plan.updated':
      return t('common:audit.planUpdated');
    case 'plan.removed':
      return t('common:audit.planRemoved');
    case 'plans.paused':
      return t('common:audit.plansPaused');
    case 'plans.resumed':
      return t('common:audit.plansResumed');
    case 'plans.stopped':
      return t('common:audit.plansStopped');
    case 'message.created':
      return t('common:audit.messageCreated');
    case 'message.updated':
      return t('common:audit.messageUpdated');
    case 'message.removed':
      return t('common:audit.messageRemoved');
    case 'recipient.added':
      return t('common:audit.recipientAdded');
    case 'recipient.updated':
      return t('common:audit.recipientUpdated');
    case 'recipient.removed':
      return t('common:audit.recipientRemoved');
    case 'token.created':
      return t('common:audit.tokenCreated');
    case 'token.removed':
      return t('common:audit.tokenRemoved');
    case 'settings.changed':
      return t('common:audit.settingsChanged');
    case 'settings.viewed':
      return t('common:audit.settingsViewed');
    case 'channel.tested':
      return t('common:audit.channelTested');
    case 'channel.webhook_added':
      return t('common:audit.webhookAdded');
    case 'channel.webhook_removed':
      return t('common:audit.webhookRemoved');
    case 'clock.jump_detected':
      return t('common:audit.clockJump');
    case 'outbox.sent':
      return t('common:audit.outboxSent');
    case 'outbox.failed':
      return t('common:audit.outboxFailed');
    default:
      return action;
  }
}
