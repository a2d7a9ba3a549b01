import { Alert, Button, Code, Container, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useT } from '../i18n/useT';

export function CrashScreen({ error, onReset }: { error: Error; onReset: () => void }) {
  const { t } = useT();
  return (
    <Container size="sm" py="xl">
      <Alert color="red" icon={<IconAlertTriangle />} title={t('common:crash.title')} role="alert">
        <Stack gap="sm">
          <Text size="sm">{t('common:crash.body')}</Text>
          <Code block>{error.message}</Code>
          <Group>
            <Button onClick={onReset}>{t('common:crash.tryAgain')}</Button>
            <Button variant="default" onClick={() => window.location.reload()}>
              {t('common:crash.reload')}
            </Button>
          </Group>
        </Stack>
      </Alert>
    </Container>
  );
}
