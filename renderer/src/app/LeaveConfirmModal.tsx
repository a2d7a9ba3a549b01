import { Button, Group, Modal, Text } from '@mantine/core';
import { useT } from '../i18n/useT';

/** "Leave without saving?": staying is the default (focused, and what Escape does). */
export function LeaveConfirmModal({
  opened,
  onStay,
  onLeave,
}: {
  opened: boolean;
  onStay: () => void;
  onLeave: () => void;
}) {
  const { t } = useT();
  return (
    <Modal
      opened={opened}
      onClose={onStay}
      title={t('common:leave.title')}
      centered
      closeButtonProps={{ 'aria-label': t('common:actions.close') }}
    >
      <Text size="sm" mb="md">
        {t('common:leave.body')}
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onStay} data-autofocus>
          {t('common:leave.stay')}
        </Button>
        <Button color="red.9" onClick={onLeave}>
          {t('common:leave.discard')}
        </Button>
      </Group>
    </Modal>
  );
}
