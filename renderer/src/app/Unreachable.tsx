import { Alert, Button, Container, Stack, Text } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useT } from '../i18n/useT';
import type { RpcError } from '../client/rpc-error';

/** The core does not answer at all (runner stopped, network down): say so and keep retrying. */
export function Unreachable({ error, onRetry }: { error: RpcError; onRetry: () => void }) {
  const { t } = useT();
  return (
    <Container size="sm" py="xl">
      <Alert color="red" variant="light" icon={<IconPlugConnectedX />} title={t('common:unreachable.title')}>
        <Stack gap="sm">
          <Text size="sm">{t(`errors:code.${error.code}`)}</Text>
          <Text size="sm">{t('common:unreachable.body')}</Text>
          <Text size="xs" c="dimmed">
            {t('errors:detail', { detail: error.message })}
          </Text>
          <Button onClick={onRetry} variant="light" color="red" w="fit-content">
            {t('common:actions.retry')}
          </Button>
        </Stack>
      </Alert>
    </Container>
  );
}
