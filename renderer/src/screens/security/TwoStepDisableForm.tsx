import { Button, Group, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useClient } from '../../client/ClientProvider';
import { toRpcError } from '../../client/rpc-error';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { CurrentPasswordInput } from './CurrentPasswordInput';

/** Turning two-step sign-in off asks for the password again (an open session alone is not enough). */
export function TwoStepDisableForm({ onDisabled }: { onDisabled: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const [password, setPassword] = useState('');
  // The password that was refused: the hint goes once it is edited.
  const [refused, setRefused] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password === '') return;
    void run(async () => {
      try {
        await client.call('mfa.disable', { password });
      } catch (error) {
        if (toRpcError(error).code !== 'WRONG_PASSWORD') throw error;
        setRefused(password);
        return;
      }
      setPassword('');
      onDisabled();
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <CurrentPasswordInput
          label={t('security:twoStep.password')}
          value={password}
          onChange={setPassword}
          wrong={refused !== null && refused === password}
        />
        <Group justify="flex-end">
          <Button type="submit" color="red" variant="light" loading={busy} disabled={password === ''}>
            {t('security:twoStep.disable')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
