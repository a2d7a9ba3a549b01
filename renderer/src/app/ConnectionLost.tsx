import { Alert, Button, Group, Text } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useClient, useConnection } from '../client/ClientProvider';
import { useT } from '../i18n/useT';

const RETRY_MS = 5000;

/**
 * While the core does not answer (the runner stopped, the network is down): one banner instead of
 * an error per call, saying that what the screen shows may be out of date. It asks again every few
 * seconds and on "Try again"; the first answer makes it go away.
 */
export function ConnectionLost() {
  const { t } = useT();
  const client = useClient();
  const connection = useConnection();
  const [trying, setTrying] = useState(false);

  const retry = useCallback(async () => {
    setTrying(true);
    try {
      await client.call('vault.status');
    } catch {
      // Still lost: the banner stays and the timer asks again.
    } finally {
      setTrying(false);
    }
  }, [client]);

  useEffect(() => {
    if (connection !== 'lost') return;
    const timer = setInterval(() => void retry(), RETRY_MS);
    return () => clearInterval(timer);
  }, [connection, retry]);

  if (connection !== 'lost') return null;
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconPlugConnectedX />}
      title={t('common:connection.lostTitle')}
      mb="md"
      role="alert"
      data-testid="connection-lost"
    >
      <Group justify="space-between" align="center" gap="sm">
        <Text size="sm">{t('common:connection.lostBody')}</Text>
        <Button size="xs" variant="light" color="red" loading={trying} onClick={() => void retry()}>
          {t('common:connection.retry')}
        </Button>
      </Group>
    </Alert>
  );
}
