import { Button, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { MONO_INPUT } from '../common/mono-input';
import { useT } from '../../i18n/useT';
import { useClient } from '../../client/ClientProvider';
import { toRpcError } from '../../client/rpc-error';
import { useNotifyError } from '../../hooks/useNotifyError';
import { isNewPasswordValid, NewPasswordFields, type NewPassword } from '../common/NewPasswordFields';

/** Lost the password: the recovery key opens the vault and a new password replaces the old one. */
export function RecoveryUnlockForm({ onUnlocked }: { onUnlocked: () => void }) {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const [recoveryKey, setRecoveryKey] = useState('');
  const [value, setValue] = useState<NewPassword>({ password: '', confirmation: '' });
  const [keyError, setKeyError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!recoveryKey.trim()) setKeyError(t('unlock:recovery.keyRequired'));
    if (!recoveryKey.trim() || !isNewPasswordValid(value)) return;
    setBusy(true);
    try {
      await client.call('vault.recover', { recoveryKey: recoveryKey.trim(), newPassword: value.password });
      onUnlocked();
      return;
    } catch (e) {
      const rpc = toRpcError(e);
      if (rpc.code === 'RECOVERY_KEY_INVALID' || rpc.code === 'BAD_REQUEST') setKeyError(t('errors:code.RECOVERY_KEY_INVALID'));
      else notifyError(rpc);
    }
    setBusy(false);
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
        <NewPasswordFields value={value} onChange={setValue} showErrors={submitted} label={t('unlock:recovery.newPassword')} />
        <Button type="submit" size="md" loading={busy}>
          {t('unlock:recovery.submit')}
        </Button>
      </Stack>
    </form>
  );
}
