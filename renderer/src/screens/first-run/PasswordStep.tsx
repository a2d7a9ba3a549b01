import { Alert, Button, Checkbox, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useT } from '../../i18n/useT';
import { useClient } from '../../client/ClientProvider';
import { useNotifyError } from '../../hooks/useNotifyError';
import { forgetSetupToken, missingSetupLink, setupToken } from './setup-link';
import { isNewPasswordValid, NewPasswordFields, type NewPassword } from '../common/NewPasswordFields';

/**
 * Step 1: choose the vault password; creating the vault returns the recovery key. Unattended
 * delivery (the device key) is offered here, on by default, so the switch also survives a reboot.
 */
export function PasswordStep({ onCreated }: { onCreated: (recoveryKey: string) => void }) {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const [value, setValue] = useState<NewPassword>({ password: '', confirmation: '' });
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [unattended, setUnattended] = useState(true);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!isNewPasswordValid(value)) return;
    setBusy(true);
    try {
      const token = setupToken();
      const { recoveryKey } = await client.call('vault.create', token ? { password: value.password, setupToken: token } : { password: value.password });
      forgetSetupToken();
      if (unattended) {
        try {
          await client.call('vault.setUnattended', { enabled: true });
        } catch {
          // No usable key store: the vault exists and the scheduler runs on the password until a restart.
          notifications.show({ color: 'orange', message: t('firstRun:password.unattendedFailed'), autoClose: 15_000 });
        }
      }
      onCreated(recoveryKey);
    } catch (error) {
      notifyError(error);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="first-run-password-title">
      <Stack gap="md">
        <Title order={2} size="h3" id="first-run-password-title">
          {t('firstRun:password.title')}
        </Title>
        <Text size="sm">{t('firstRun:password.body')}</Text>
        {missingSetupLink() && (
          <Alert variant="light" color="orange" icon={<IconAlertTriangle />} title={t('firstRun:password.setupLinkTitle')}>
            {t('firstRun:password.setupLinkMissing')}
          </Alert>
        )}
        <NewPasswordFields value={value} onChange={setValue} showErrors={submitted} autoFocus />
        <Alert variant="light" color="blue" icon={<IconInfoCircle />}>
          {t('firstRun:password.noReset')}
        </Alert>
        <Checkbox
          label={t('firstRun:password.unattended')}
          description={t('firstRun:password.unattendedHint')}
          checked={unattended}
          onChange={(e) => setUnattended(e.currentTarget.checked)}
          disabled={busy}
        />
        <Button type="submit" size="md" loading={busy} disabled={busy}>
          {t('firstRun:password.create')}
        </Button>
        {busy && (
          <Text size="sm" c="dimmed" role="status">
            {t('firstRun:password.creating')}
          </Text>
        )}
      </Stack>
    </form>
  );
}
