import { Alert, Button, Stack } from '@mantine/core';
import { useClient } from '../../client/ClientProvider';
import { useT } from '../../i18n/useT';
import { CurrentPasswordInput } from '../common/CurrentPasswordInput';
import { usePasswordSubmit } from '../common/usePasswordSubmit';

/**
 * The recovery key step after a restart: the key shown before left memory unconfirmed, so a new
 * one is made with the password (the old one stops working) and shown in its place.
 */
export function LostRecoveryKeyStep({ onNewKey }: { onNewKey: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { password, busy, submit } = usePasswordSubmit(
    (value) => client.call('vault.regenerateRecoveryKey', { password: value }),
    onNewKey,
  );

  return (
    <form onSubmit={submit} noValidate>
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
