import { Button, Group, Modal } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';
import { CurrentPasswordInput } from '../common/CurrentPasswordInput';
import { SectionCard } from '../common/SectionCard';
import { usePasswordSubmit } from '../common/usePasswordSubmit';
import { RecoveryKeyStep } from '../first-run/RecoveryKeyStep';

/**
 * A new recovery key (the old one stops working), shown once with the same "type back a group"
 * check as the first run. The dialog cannot be dismissed before that check.
 */
export function RecoveryKeyCard() {
  const { t } = useT();
  const client = useClient();
  const { run } = useBusyAction();
  const [key, setKey] = useState<string | null>(null);
  const vaultDir = useRpcQuery((c) => c.call('setup.get')).data?.vaultDir ?? '';
  const { password, busy, submit } = usePasswordSubmit(async (value) =>
    setKey((await client.call('vault.regenerateRecoveryKey', { password: value })).recoveryKey),
  );

  const confirm = async (group: number, value: string) => {
    let refused = false;
    // Records the confirmation when the first run never did (a no-op otherwise). Any other failure
    // still closes the dialog: the new key is in force and was shown.
    await run(() => client.call('setup.confirmRecoveryKey', { group, value }), { BAD_REQUEST: () => (refused = true) });
    if (refused) return false;
    setKey(null);
    notifications.show({ color: 'teal', message: t('security:recovery.done') });
    return true;
  };

  return (
    <>
      <SectionCard
        id="recovery"
        title={t('security:recovery.title')}
        description={t('security:recovery.description')}
        onSubmit={submit}
      >
        <CurrentPasswordInput label={t('security:recovery.password')} field={password} />
        <Group justify="flex-end">
          <Button type="submit" color="orange" loading={busy} disabled={password.value === ''}>
            {t('security:recovery.submit')}
          </Button>
        </Group>
      </SectionCard>
      {/* The parts, so the dialog itself carries the name (on <Modal> it lands on a role-less wrapper). */}
      <Modal.Root
        opened={key !== null}
        onClose={() => undefined}
        closeOnClickOutside={false}
        closeOnEscape={false}
        size="lg"
      >
        <Modal.Overlay />
        <Modal.Content aria-label={t('security:recovery.dialog')}>
          <Modal.Body>
            {key && <RecoveryKeyStep recoveryKey={key} vaultDir={vaultDir} onConfirm={confirm} />}
          </Modal.Body>
        </Modal.Content>
      </Modal.Root>
    </>
  );
}
