import { ActionIcon, Tooltip } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useT } from '../i18n/useT';
import { useClient } from '../client/ClientProvider';
import { useBusyAction } from '../hooks/useBusyAction';
import { useContext } from 'react';
import { LeaveGateContext } from './LeaveGuardProvider';

export function LockButton({ onLocked }: { onLocked: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const gate = useContext(LeaveGateContext);
  const lock = async () => {
    await run(async () => {
      // Unsaved changes are kept as drafts first: they are offered again after unlocking.
      await gate?.flush();
      await client.call('vault.lock');
      onLocked();
    });
  };
  return (
    <Tooltip label={t('common:lock.tooltip')}>
      <ActionIcon
        variant="default"
        size="lg"
        loading={busy}
        onClick={() => void lock()}
        aria-label={t('common:lock.label')}
      >
        <IconLock size={18} stroke={1.6} />
      </ActionIcon>
    </Tooltip>
  );
}
