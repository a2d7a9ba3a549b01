import { ActionIcon, Tooltip } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useT } from '../i18n/useT';
import { useClient } from '../client/ClientProvider';
import { useBusyAction } from '../hooks/useBusyAction';

export function LockButton({ onLocked }: { onLocked: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const lock = async () => {
    await run(async () => {
      await client.call('vault.lock');
      onLocked();
    });
  };
  return (
    <Tooltip label={t('common:lock.tooltip')}>
      <ActionIcon variant="default" size="lg" loading={busy} onClick={() => void lock()} aria-label={t('common:lock.label')}>
        <IconLock size={18} stroke={1.6} />
      </ActionIcon>
    </Tooltip>
  );
}
