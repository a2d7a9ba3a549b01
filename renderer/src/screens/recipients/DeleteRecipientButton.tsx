import { ActionIcon, Button, Group, Modal, Text, Tooltip } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { MessageLinks } from './MessageLinks';

type Recipient = MethodOutput<'recipients.list'>[number];

/**
 * Asks before deleting. A recipient that messages still use cannot be deleted: the dialog names
 * those messages (links); should the core refuse anyway (CONFLICT), the screen says the same.
 */
export function DeleteRecipientButton({
  recipient,
  onDeleted,
  onConflict,
}: {
  recipient: Recipient;
  onDeleted: () => void;
  onConflict: () => void;
}) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const [open, setOpen] = useState(false);
  // Refused by the core anyway; saying so before the click names the messages to change first.
  const inUse = recipient.usedBy.length > 0;

  const confirm = async () => {
    const deleted = await run(() => client.call('recipients.delete', { id: recipient.id }), { CONFLICT: onConflict });
    setOpen(false);
    if (deleted) onDeleted();
  };

  return (
    <>
      <Tooltip label={t('recipients:delete.label', { name: recipient.name })}>
        <ActionIcon
          variant="subtle"
          color="red"
          onClick={() => setOpen(true)}
          aria-label={t('recipients:delete.label', { name: recipient.name })}
        >
          <IconTrash size={18} />
        </ActionIcon>
      </Tooltip>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={inUse ? t('recipients:delete.inUseTitle') : t('recipients:delete.title')}
        closeButtonProps={{ 'aria-label': t('recipients:delete.cancel') }}
      >
        <Text size="sm" mb="md">
          {inUse ? (
            <>
              {t('recipients:delete.inUse', { name: recipient.name, count: recipient.usedBy.length })}{' '}
              <MessageLinks messages={recipient.usedBy} />
            </>
          ) : (
            t('recipients:delete.body', { name: recipient.name })
          )}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setOpen(false)}>
            {inUse ? t('recipients:delete.dismiss') : t('recipients:delete.cancel')}
          </Button>
          {!inUse && (
            <Button color="red" loading={busy} onClick={confirm}>
              {t('recipients:delete.confirm')}
            </Button>
          )}
        </Group>
      </Modal>
    </>
  );
}
