import { ActionIcon, Button, Group, Modal, Text, Tooltip } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { toRpcError, type RpcError } from '../../client/rpc-error';
import { useNotifyError } from '../../hooks/useNotifyError';
import { useT } from '../../i18n/useT';

type Recipient = MethodOutput<'recipients.list'>[number];

/** Asks before deleting; a recipient that messages still use is refused (CONFLICT), and the form says why. */
export function DeleteRecipientButton({ recipient, onDeleted, onConflict }: { recipient: Recipient; onDeleted: () => void; onConflict: (error: RpcError) => void }) {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    setBusy(true);
    try {
      await client.call('recipients.delete', { id: recipient.id });
      setOpen(false);
      onDeleted();
    } catch (error) {
      const rpc = toRpcError(error);
      setOpen(false);
      if (rpc.code === 'CONFLICT') onConflict(rpc);
      else notifyError(rpc);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Tooltip label={t('recipients:delete.label', { name: recipient.name })}>
        <ActionIcon variant="subtle" color="red" onClick={() => setOpen(true)} aria-label={t('recipients:delete.label', { name: recipient.name })}>
          <IconTrash size={18} />
        </ActionIcon>
      </Tooltip>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('recipients:delete.title')}>
        <Text size="sm" mb="md">
          {t('recipients:delete.body', { name: recipient.name })}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setOpen(false)}>
            {t('recipients:delete.cancel')}
          </Button>
          <Button color="red" loading={busy} onClick={confirm}>
            {t('recipients:delete.confirm')}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
