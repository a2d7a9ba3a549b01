import { Alert, Button, Stack } from '@mantine/core';
import type { FormEvent } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { CurrentPasswordInput } from '../common/CurrentPasswordInput';
import { useCurrentPassword } from '../common/useCurrentPassword';

/**
 * The recovery key step after a restart: the key shown before left memory unconfirmed, so a new
 * one is made with the password (the old one stops working) and shown in its place.
 */
export function LostRecoveryKeyStep({ onNewKey }: { onNewKey: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const password = useCurrentPassword();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!password.value) return;
    const made = await run(() => client.call('vault.regenerateRecoveryKey', { password: password.value }), { WRONG_PASSWORD: password.refuse });
    if (made) onNewKey();
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="md">
        <Alert color="orange" variant="light" title={t('firstRun:recovery.lostTitle')}>
          {t('firstRun:recovery.lostBody')}
        </Alert>
        <CurrentPasswordInput label={t('firstRun:recovery.lostPassword')} field={password} autoFocus />
        <Button type="submit" size="md" loading={busy} disabled={!password.value}>
          {t('firstRun:recovery.lostSubmit')}
        </Button>
      </Stack>
    </form>
  );
}
