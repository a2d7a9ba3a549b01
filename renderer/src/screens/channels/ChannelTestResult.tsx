import { Alert, Code, Text } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { deliveryErrorText } from '../../labels/delivery-labels';
import type { TestReply } from './useChannelTest';

/** A test's outcome: what it means (translated), and what the server answered, verbatim. */
export function ChannelTestResult({ result, okHint }: { result: TestReply; okHint: string }) {
  const { t } = useT();
  const advice = result.ok ? okHint : (deliveryErrorText(t, result.errorCode) ?? t('channels:test.failedHint'));
  return (
    <Alert
      role="status"
      color={result.ok ? 'teal' : 'red'}
      variant="light"
      icon={result.ok ? <IconCheck /> : <IconX />}
      title={result.ok ? t('channels:test.ok') : t('channels:test.failed')}
    >
      <Text size="sm">{advice}</Text>
      {result.response && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('channels:test.serverSaid')} <Code style={{ wordBreak: 'break-all' }}>{result.response}</Code>
        </Text>
      )}
    </Alert>
  );
}
