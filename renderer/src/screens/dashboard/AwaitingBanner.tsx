import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconAlertOctagon, IconHandStop } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { useCheckin } from '../../app/CheckinProvider';
import { useFormat } from '../../i18n/useFormat';
import { awaitingAnswer, type Prompt } from './prompts';

/**
 * A warning is waiting for an answer: a full-width red banner at the top with its own "I'm here"
 * button, announced to screen readers as an alert. A test warning says that it is one.
 */
export function AwaitingBanner({ prompts, now }: { prompts: Prompt[]; now: number }) {
  const { t } = useT();
  const format = useFormat();
  const { checkIn, busy } = useCheckin();
  const awaiting = awaitingAnswer(prompts);
  if (!awaiting) return null;
  const { prompt: latest, isTest } = awaiting;
  return (
    <Alert
      role="alert"
      variant="filled"
      color={isTest ? 'blue.9' : 'red.9'}
      radius="md"
      mb="lg"
      icon={<IconAlertOctagon size={28} />}
      title={
        <Text fw={700} size="lg">
          {isTest ? t('dashboard:awaiting.testTitle') : t('dashboard:awaiting.title')}
        </Text>
      }
      data-testid="awaiting-banner"
    >
      <Group justify="space-between" align="center" gap="md">
        <Stack gap={4} style={{ flex: 1, minWidth: 240 }}>
          <Text size="md">
            {isTest
              ? t('dashboard:awaiting.testBody', { when: format.ago(latest.at, now) })
              : t('dashboard:awaiting.body', { level: latest.level, when: format.ago(latest.at, now) })}
          </Text>
          {!isTest && <Text size="sm">{t('dashboard:awaiting.consequence')}</Text>}
        </Stack>
        <Button
          size="lg"
          color="dark"
          variant="white"
          leftSection={<IconHandStop size={22} />}
          loading={busy}
          onClick={() => void checkIn()}
        >
          {t('common:checkin.button')}
        </Button>
      </Group>
    </Alert>
  );
}
