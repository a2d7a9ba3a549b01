import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { ChannelTestResult } from './ChannelTestResult';
import { useChannelTest } from './useChannelTest';

/** Desktop notifications need no setup; a test shows what a warning looks like. */
export function DesktopCard() {
  const { t } = useT();
  const test = useChannelTest('desktop');
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="desktop-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="desktop-title">
          {t('channels:desktop.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('channels:desktop.description')}
        </Text>
        <Group>
          <Button variant="default" leftSection={<IconBell size={16} />} onClick={test.run} loading={test.busy}>
            {t('channels:desktop.test')}
          </Button>
        </Group>
        {test.result && <ChannelTestResult result={test.result} okHint={t('channels:desktop.testOk')} />}
      </Stack>
    </Card>
  );
}
