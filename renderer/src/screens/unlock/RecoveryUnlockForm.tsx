import { Button, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { MONO_INPUT } from '../common/mono-input';
import { useT } from '../../i18n/useT';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { isNewPasswordValid, NewPasswordFields, type NewPassword } from '../common/NewPasswordFields';

/** Lost the password: the recovery key opens the vault and a new password replaces the old one. */
export function RecoveryUnlockForm({ onUnlocked }: { onUnlocked: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const [recoveryKey, setRecoveryKey] = useState('');
  const [value, setValue] = useState<NewPassword>({ password: '', confirmation: '' });
  const [keyError, setKeyError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!recoveryKey.trim()) setKeyError(t('unlock:recovery.keyRequired'));
    if (!recoveryKey.trim() || !isNewPasswordValid(value)) return;
    const keyRefused = () => setKeyError(t('errors:code.RECOVERY_KEY_INVALID'));
    const opened = await run(
      () => client.call('vault.recover', { recoveryKey: recoveryKey.trim(), newPassword: value.password }),
      { RECOVERY_KEY_INVALID: keyRefused, BAD_REQUEST: keyRefused },
    );
    if (opened) onUnlocked();
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('unlock:mode.recovery')}>
      <Stack gap="md">
        <Text size="sm">{t('unlock:recovery.body')}</Text>
        <TextInput
          label={t('unlock:recovery.key')}
          placeholder={t('unlock:recovery.placeholder')}
          autoComplete="off"
          spellCheck={false}
          styles={MONO_INPUT}
          required
          autoFocus
          value={recoveryKey}
          onChange={(e) => {
            setRecoveryKey(e.currentTarget.value);
            setKeyError(null);
          }}
          error={keyError}
        />
        <NewPasswordFields
          value={value}
          onChange={setValue}
          showErrors={submitted}
          label={t('unlock:recovery.newPassword')}
        />
        <Button type="submit" size="md" loading={busy}>
          {t('unlock:recovery.submit')}
        </Button>
      </Stack>
    </form>
  );
}
