import { Button, Card, Group, Kbd, Stack, Text, Title } from '@mantine/core';
import { IconHandStop } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useCheckin } from '../../app/CheckinProvider';
import { SHORTCUTS } from '../../hooks/shortcut-keys';
import { useFormat } from '../../i18n/useFormat';
import { Countdown } from './Countdown';

type Status = MethodOutput<'status.get'>;

/** The soonest warning any plan would send if nobody checks in. */
function nextWarningAt(status: Status): number | null {
  const times = status.plans
    .filter((p) => p.nextEventAt !== null && p.nextEvent?.kind === 'warning')
    .map((p) => p.nextEventAt as number);
  return times.length > 0 ? Math.min(...times) : null;
}

/** The big "I'm here", when you last said it, and when Afterword will ask next. */
export function CheckinCard({ status, now, offsetMs }: { status: Status; now: number; offsetMs: number }) {
  const { t } = useT();
  const format = useFormat();
  const { checkIn, busy } = useCheckin();
  const next = nextWarningAt(status);
  return (
    <Card withBorder padding="xl" radius="md" component="section" aria-labelledby="checkin-title">
      <Group justify="space-between" align="center" gap="xl">
        <Stack gap={6} style={{ flex: 1, minWidth: 260 }}>
          <Title order={2} size="h3" id="checkin-title">
            {t('dashboard:checkin.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('dashboard:checkin.body')}
          </Text>
          <Text size="sm">
            {status.lastCheckinAt !== null
              ? t('dashboard:checkin.last', {
                  when: format.ago(status.lastCheckinAt, now),
                  date: format.dateTime(status.lastCheckinAt),
                })
              : t('dashboard:checkin.never')}
          </Text>
          <Text size="sm" component="div">
            {next !== null ? (
              <>
                {t('dashboard:checkin.nextWarning')} <Countdown at={next} offsetMs={offsetMs} />
              </>
            ) : (
              t('dashboard:checkin.noWarning')
            )}
          </Text>
        </Stack>
        <Stack gap={6} align="center">
          <Button
            size="xl"
            h={72}
            px={40}
            radius="xl"
            leftSection={<IconHandStop size={28} />}
            loading={busy}
            onClick={() => void checkIn()}
          >
            {t('common:checkin.button')}
          </Button>
          <Text size="xs" c="dimmed">
            {t('common:shortcuts.hint')} <Kbd size="xs">{SHORTCUTS.checkin()}</Kbd>
          </Text>
        </Stack>
      </Group>
    </Card>
  );
}
