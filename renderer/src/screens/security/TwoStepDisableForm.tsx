import { Button, Group, Stack } from '@mantine/core';
import type { FormEvent } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { CurrentPasswordInput } from '../common/CurrentPasswordInput';
import { useCurrentPassword } from '../common/useCurrentPassword';

/** Turning two-step sign-in off asks for the password again (an open session alone is not enough). */
export function TwoStepDisableForm({ onDisabled }: { onDisabled: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const password = useCurrentPassword();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.value === '') return;
    const disabled = await run(() => client.call('mfa.disable', { password: password.value }), { WRONG_PASSWORD: password.refuse });
    if (!disabled) return;
    password.clear();
    onDisabled();
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
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
