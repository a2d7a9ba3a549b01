import { Alert, Button, Checkbox, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useT } from '../../i18n/useT';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { StepForm } from './StepForm';
import { forgetSetupToken, missingSetupLink, setupToken } from './setup-link';
import { isNewPasswordValid, NewPasswordFields, type NewPassword } from '../common/NewPasswordFields';

/**
 * Step 1: choose the vault password; creating the vault returns the recovery key. Unattended
 * delivery (the device key) is offered here, on by default, so the switch also survives a reboot.
 */
export function PasswordStep({ onCreated }: { onCreated: (recoveryKey: string) => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const [value, setValue] = useState<NewPassword>({ password: '', confirmation: '' });
  const [submitted, setSubmitted] = useState(false);
  const [unattended, setUnattended] = useState(true);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!isNewPasswordValid(value)) return;
    await run(async () => {
      const token = setupToken();
      const { recoveryKey } = await client.call(
        'vault.create',
        token ? { password: value.password, setupToken: token } : { password: value.password },
      );
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
    });
  };

  return (
    <StepForm id="password" title={t('firstRun:password.title')} body={t('firstRun:password.body')} onSubmit={submit}>
      {missingSetupLink() && (
        <Alert
          variant="light"
          color="orange"
          icon={<IconAlertTriangle />}
          title={t('firstRun:password.setupLinkTitle')}
        >
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
    </StepForm>
  );
}
