import { Button, Group, Modal, Text } from '@mantine/core';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';

/** "Restore unsaved changes?", when the editor opens on a draft left from before. A choice is needed. */
export function RestoreDraftModal({
  savedAt,
  isNew,
  onChoose,
}: {
  savedAt: number | null;
  isNew: boolean;
  onChoose: (restore: boolean) => void;
}) {
  const { t } = useT();
  const format = useFormat();
  const time = savedAt === null ? '' : format.longDateTime(savedAt);
  return (
    <Modal
      opened={savedAt !== null}
      onClose={() => undefined}
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      title={t('messages:restore.title')}
      centered
    >
      <Text size="sm" mb="md">
        {isNew ? t('messages:restore.bodyNew', { time }) : t('messages:restore.bodyEdit', { time })}
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={() => onChoose(false)}>
          {t('messages:restore.discard')}
        </Button>
        <Button onClick={() => onChoose(true)} data-autofocus>
          {t('messages:restore.restore')}
        </Button>
      </Group>
    </Modal>
  );
}
