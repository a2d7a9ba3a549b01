import { Button, Group, Modal, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';

/** Deletes the message after a confirmation that names it. */
export function DeleteMessageButton({
  messageId,
  title,
  onDeleted,
}: {
  messageId: string;
  title: string;
  onDeleted(): void;
}) {
  const { t } = useT();
  const client = useClient();
  const [open, setOpen] = useState(false);
  const { busy, run } = useBusyAction();

  const remove = async () => {
    await run(async () => {
      await client.call('messages.delete', { id: messageId });
      setOpen(false);
      onDeleted();
    });
  };

  return (
    <>
      <Button
        color="red"
        variant="subtle"
        leftSection={<IconTrash size={16} aria-hidden />}
        onClick={() => setOpen(true)}
      >
        {t('messages:delete.button')}
      </Button>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={t('messages:delete.title')}
        closeButtonProps={{ 'aria-label': t('messages:delete.cancel') }}
      >
        <Text size="sm" mb="md">
          {t('messages:delete.confirm', { title: title || t('messages:list.untitled') })}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setOpen(false)}>
            {t('messages:delete.cancel')}
          </Button>
          <Button color="red" loading={busy} onClick={() => void remove()}>
            {t('messages:delete.yes')}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
