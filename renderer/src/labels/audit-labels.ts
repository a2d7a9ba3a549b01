import type { Translate } from '../i18n/useT';
import { lookup } from './lookup';

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
  return lookup(
    action,
    {
      'vault.created': () => t('common:audit.vaultCreated'),
      'vault.unlocked': () => t('common:audit.vaultUnlocked'),
      'vault.session_started': () => t('common:audit.sessionStarted'),
      'vault.unlock_failed': () =>
        detail?.secondFactor === 'wrong' ? t('common:audit.mfaCodeWrong') : t('common:audit.unlockFailed'),
      'vault.unlock_refused': () => t('common:audit.unlockRefused'),
      'vault.recovered': () => t('common:audit.vaultRecovered'),
      'vault.older_accepted': () => t('common:audit.olderAccepted'),
      'backup.restored': () => t('common:audit.backupRestored'),
      'backup.failing': () => t('common:audit.backupFailing'),
      'backup.recovered': () => t('common:audit.backupRecovered'),
      'standby.added': () => t('common:audit.standbyAdded'),
      'standby.removed': () => t('common:audit.standbyRemoved'),
      'vault.password_changed': () => t('common:audit.passwordChanged'),
      'vault.recovery_key_regenerated': () => t('common:audit.recoveryKeyRegenerated'),
      'vault.device_key_enabled': () => t('common:audit.unattendedOn'),
      'vault.device_key_disabled': () => t('common:audit.unattendedOff'),
      'mfa.enabled': () => t('common:audit.mfaEnabled'),
      'mfa.disabled': () => t('common:audit.mfaDisabled'),
      'audit.history_broken': () => t('common:audit.historyBroken'),
      'integrity.checked': () => t('common:audit.integrityChecked'),
      checkin: () => t('common:audit.checkin'),
      'plan.transition': () => t('common:audit.planTransition'),
      'plan.created': () => t('common:audit.planCreated'),
      'plan.updated': () => t('common:audit.planUpdated'),
      'plan.removed': () => t('common:audit.planRemoved'),
      'plans.paused': () => t('common:audit.plansPaused'),
      'plans.resumed': () => t('common:audit.plansResumed'),
      'plans.stopped': () => t('common:audit.plansStopped'),
      'message.created': () => t('common:audit.messageCreated'),
      'message.updated': () => t('common:audit.messageUpdated'),
      'message.removed': () => t('common:audit.messageRemoved'),
      'recipient.added': () => t('common:audit.recipientAdded'),
      'recipient.updated': () => t('common:audit.recipientUpdated'),
      'recipient.removed': () => t('common:audit.recipientRemoved'),
      'token.created': () => t('common:audit.tokenCreated'),
      'token.removed': () => t('common:audit.tokenRemoved'),
      'settings.changed': () => t('common:audit.settingsChanged'),
      'settings.viewed': () => t('common:audit.settingsViewed'),
      'channel.tested': () => t('common:audit.channelTested'),
      'channel.webhook_added': () => t('common:audit.webhookAdded'),
      'channel.webhook_removed': () => t('common:audit.webhookRemoved'),
      'clock.jump_detected': () => t('common:audit.clockJump'),
      'outbox.sent': () => t('common:audit.outboxSent'),
      'outbox.failed': () => t('common:audit.outboxFailed'),
    },
    action,
  );
}
