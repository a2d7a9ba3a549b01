import { Alert, Code, Text } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';

/** What the channel answered: success with a hint of where to look, or the server's reply to act on. */
export function TestResult({
  channel,
  result,
  hint,
  showResponse = false,
}: {
  channel: string;
  result: MethodOutput<'channels.test'>;
  hint: string;
  /** Show the server's answer on success too (an SMTP server's reply is worth seeing). */
  showResponse?: boolean;
}) {
  const { t } = useT();
  return (
    <Alert
      role="status"
      color={result.ok ? 'teal' : 'red'}
      variant="light"
      icon={result.ok ? <IconCheck /> : <IconX />}
      title={result.ok ? t('firstRun:test.ok', { channel }) : t('firstRun:test.failed', { channel })}
    >
      <Text size="sm">{result.ok ? hint : t('firstRun:test.failedHint')}</Text>
      {result.response && (!result.ok || showResponse) && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('firstRun:test.serverSaid')} <Code>{result.response}</Code>
        </Text>
      )}
    </Alert>
  );
}
