import { Alert, Text } from '@mantine/core';
import { IconPlayerPlay, IconPlayerStop } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';

const POLL_MS = 30_000;

/**
 * On the lock screen: whether warnings and deliveries are running right now (vault.status is
 * public, so a locked UI may ask), and the one sentence about what runs while locked.
 */
export function WatchingNotice() {
  const { t } = useT();
  const status = useRpcQuery((c) => c.call('vault.status'));
  const { reload } = status;
  useEffect(() => {
    const poll = setInterval(reload, POLL_MS);
    return () => clearInterval(poll);
  }, [reload]);
  if (!status.data) return null;
  const watching = status.data.watching;
  return (
    <Alert
      role="status"
      data-testid="watching-notice"
      data-watching={watching}
      color={watching ? 'teal' : 'orange'}
      variant="light"
      icon={watching ? <IconPlayerPlay /> : <IconPlayerStop />}
      title={watching ? t('common:lock.running') : t('common:lock.stopped')}
      mb="lg"
    >
      <Text size="sm">{t('common:lock.whileLocked')}</Text>
    </Alert>
  );
}
