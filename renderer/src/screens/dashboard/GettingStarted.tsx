import { Button, Card, Group, List, Text, Title } from '@mantine/core';
import { IconPencilPlus } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { useRouter } from '../../app/RouterContext';

/** Shown while no plan has an active message: nothing would be sent yet, so say what to do first. */
export function GettingStarted() {
  const { t } = useT();
  const { navigate } = useRouter();
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="getting-started-title">
      <Title order={2} size="h4" id="getting-started-title" mb="xs">
        {t('dashboard:gettingStarted.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('dashboard:gettingStarted.body')}
      </Text>
      <List type="ordered" size="sm" spacing={4} mb="md">
        <List.Item>{t('dashboard:gettingStarted.recipient')}</List.Item>
        <List.Item>{t('dashboard:gettingStarted.message')}</List.Item>
        <List.Item>{t('dashboard:gettingStarted.plan')}</List.Item>
        <List.Item>{t('dashboard:gettingStarted.channels')}</List.Item>
      </List>
      <Group>
        <Button leftSection={<IconPencilPlus size={18} />} onClick={() => navigate('messages', 'new')}>
          {t('dashboard:gettingStarted.write')}
        </Button>
        <Button variant="default" onClick={() => navigate('recipients')}>
          {t('dashboard:gettingStarted.addRecipient')}
        </Button>
      </Group>
    </Card>
  );
}
