import { ActionIcon, Tooltip } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useState } from 'react';
import { useT } from '../i18n/useT';
import { useClient } from '../client/ClientProvider';
import { useNotifyError } from '../hooks/useNotifyError';

export function LockButton({ onLocked }: { onLocked: () => void }) {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const [busy, setBusy] = useState(false);
  const lock = async () => {
    setBusy(true);
    try {
      await client.call('vault.lock');
      onLocked();
    } catch (error) {
      notifyError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Tooltip label={t('common:lock.tooltip')}>
      <ActionIcon variant="default" size="lg" loading={busy} onClick={() => void lock()} aria-label={t('common:lock.label')}>
        <IconLock size={18} stroke={1.6} />
      </ActionIcon>
    </Tooltip>
  );
}
