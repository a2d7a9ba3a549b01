import { Button, Card, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useClient } from '../../client/ClientProvider';
import { toRpcError } from '../../client/rpc-error';
import { useNotifyError } from '../../hooks/useNotifyError';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';
import { CurrentPasswordInput } from './CurrentPasswordInput';
import { RecoveryKeyStep } from '../first-run/RecoveryKeyStep';

/**
 * A new recovery key (the old one stops working), shown once with the same "type back a group"
 * check as the first run. The dialog cannot be dismissed before that check.
 */
export function RecoveryKeyCard() {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const [password, setPassword] = useState('');
  // The password that was refused: the hint goes once it is edited.
  const [refused, setRefused] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState<string | null>(null);
  const vaultDir = useRpcQuery((c) => c.call('setup.get')).data?.vaultDir ?? '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password === '') return;
    setBusy(true);
    try {
      const reply = await client.call('vault.regenerateRecoveryKey', { password });
      setPassword('');
      setKey(reply.recoveryKey);
    } catch (error) {
      const rpc = toRpcError(error);
      if (rpc.code === 'WRONG_PASSWORD') setRefused(password);
      else notifyError(rpc);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="recovery-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="recovery-title">
            {t('security:recovery.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('security:recovery.description')}
          </Text>
          <CurrentPasswordInput
            label={t('security:recovery.password')}
            value={password}
            onChange={setPassword}
            wrong={refused !== null && refused === password}
          />
          <Group justify="flex-end">
            <Button type="submit" color="orange" loading={busy} disabled={password === ''}>
              {t('security:recovery.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
      {/* The parts, so the dialog itself carries the name (on <Modal> it lands on a role-less wrapper). */}
      <Modal.Root opened={key !== null} onClose={() => undefined} closeOnClickOutside={false} closeOnEscape={false} size="lg">
        <Modal.Overlay />
        <Modal.Content aria-label={t('security:recovery.dialog')}>
          <Modal.Body>
            {key && (
              <RecoveryKeyStep
                recoveryKey={key}
                vaultDir={vaultDir}
                onConfirm={async (group, value) => {
                  try {
                    // Records the confirmation when the first run never did (a no-op otherwise).
                    await client.call('setup.confirmRecoveryKey', { group, value });
                  } catch (error) {
                    if (toRpcError(error).code === 'BAD_REQUEST') return false;
                    notifyError(error);
                  }
                  setKey(null);
                  notifications.show({ color: 'teal', message: t('security:recovery.done') });
                  return true;
                }}
              />
            )}
          </Modal.Body>
        </Modal.Content>
      </Modal.Root>
    </Card>
  );
}
