import { Button, Group, Stack } from '@mantine/core';
import { useClient } from '../../client/ClientProvider';
import { useT } from '../../i18n/useT';
import { CurrentPasswordInput } from '../common/CurrentPasswordInput';
import { usePasswordSubmit } from '../common/usePasswordSubmit';

/** Turning two-step sign-in off asks for the password again (an open session alone is not enough). */
export function TwoStepDisableForm({ onDisabled }: { onDisabled: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { password, busy, submit } = usePasswordSubmit(
    (value) => client.call('mfa.disable', { password: value }),
    onDisabled,
  );

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <CurrentPasswordInput label={t('security:twoStep.password')} field={password} />
        <Group justify="flex-end">
          <Button type="submit" color="red" variant="light" loading={busy} disabled={password.value === ''}>
            {t('security:twoStep.disable')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
