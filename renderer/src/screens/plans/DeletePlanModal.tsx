import { Button, Group, Modal, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import type { Plan } from './plan-draft';

/** "Delete this plan?", asked before anything is removed. */
export function DeletePlanModal({
  plan,
  busy,
  onConfirm,
  onClose,
}: {
  plan: Plan | null;
  busy: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useT();
  return (
    <Modal opened={plan !== null} onClose={onClose} title={t('plans:delete.title')}>
      <Text size="sm" mb="md">
        {t('plans:delete.body', { name: plan?.name ?? '' })}
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('plans:delete.cancel')}
        </Button>
        <Button color="red" loading={busy} onClick={onConfirm}>
          {t('plans:delete.confirm')}
        </Button>
      </Group>
    </Modal>
  );
}
