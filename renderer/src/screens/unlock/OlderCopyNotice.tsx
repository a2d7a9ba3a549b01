import { Alert, Stack, Text } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';

/** On the lock screen of a vault older than the one this computer last saw: what that means, and what to do if it was not you. */
export function OlderCopyNotice({ found }: { found: 'older' | 'rewritten' }) {
  const { t } = useT();
  return (
    <Alert
      role="alert"
      data-testid="older-copy-notice"
      color="red"
      variant="light"
      icon={<IconHistory />}
      title={t('unlock:olderCopy.title')}
      mb="md"
    >
      <Stack gap="xs">
        <Text size="sm">{found === 'older' ? t('unlock:olderCopy.older') : t('unlock:olderCopy.rewritten')}</Text>
        <Text size="sm">{t('unlock:olderCopy.notYou')}</Text>
      </Stack>
    </Alert>
  );
}
