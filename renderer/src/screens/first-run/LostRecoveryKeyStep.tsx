import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useNotifyError } from '../../hooks/useNotifyError';
import { useT } from '../../i18n/useT';

/**
 * The recovery key step after a restart: the key shown before left memory unconfirmed, so a new
 * one is made with the password (the old one stops working) and shown in its place.
 */
export function LostRecoveryKeyStep({ onNewKey }: { onNewKey: () => void }) {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!password) return;
    setBusy(true);
    try {
      await client.call('vault.regenerateRecoveryKey', { password });
      onNewKey();
    } catch (error) {
      notifyError(error);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="md">
        <Alert color="orange" variant="light" title={t('firstRun:recovery.lostTitle')}>
          {t('firstRun:recovery.lostBody')}
        </Alert>
        <PasswordInput label={t('firstRun:recovery.lostPassword')} autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoFocus />
        <Button type="submit" size="md" loading={busy} disabled={!password}>
          {t('firstRun:recovery.lostSubmit')}
        </Button>
      </Stack>
    </form>
  );
}
