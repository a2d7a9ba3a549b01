import { Button, Group, Modal, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';

/** Asks, then removes the backup target (the bucket's content stays). */
export function RemoveTargetButton({ onRemoved }: { onRemoved: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const [open, setOpen] = useState(false);

  const confirm = async () => {
    const removed = await run(() => client.call('backup.removeTarget', {}));
    setOpen(false);
    if (!removed) return;
    notifications.show({ color: 'teal', message: t('backup:target.removed') });
    onRemoved();
  };

  return (
    <>
      <Button
        variant="subtle"
        color="red"
        leftSection={<IconTrash size={16} aria-hidden />}
        onClick={() => setOpen(true)}
      >
        {t('backup:target.remove')}
      </Button>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={t('backup:target.removeTitle')}
        closeButtonProps={{ 'aria-label': t('backup:target.cancel') }}
      >
        <Text size="sm" mb="md">
          {t('backup:target.removeBody')}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setOpen(false)}>
            {t('backup:target.cancel')}
          </Button>
          <Button color="red" loading={busy} onClick={() => void confirm()}>
            {t('backup:target.removeConfirm')}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
