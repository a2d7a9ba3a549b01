import { Badge, Stack, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useFormat } from '../../i18n/useFormat';
import { useConnection } from '../../client/ClientProvider';
import { SectionCard } from '../common/SectionCard';

type Status = MethodOutput<'status.get'>;

/** Two days without a tick is what the core reports as a problem; warn a little earlier. */
const STALE_MS = 24 * 60 * 60 * 1000;

/** When the scheduler last looked at the plans, what runs while locked, and whether it survives a restart. */
export function SchedulerCard({ status, now }: { status: Status; now: number }) {
  const { t } = useT();
  const format = useFormat();
  const connected = useConnection() === 'online';
  const tick = status.lastTick;
  const stale = tick === null || now - tick.at > STALE_MS;
  return (
    <SectionCard
      id="scheduler"
      title={t('dashboard:scheduler.title')}
      aside={
        // Without an answer from the core, "running" would be a claim about the past.
        <Badge color={!connected ? 'gray' : stale ? 'orange' : 'teal'} variant="light">
          {!connected
            ? t('common:connection.unknown')
            : stale
              ? t('dashboard:scheduler.stale')
              : t('dashboard:scheduler.running')}
        </Badge>
      }
    >
      <Stack gap={6}>
        {!connected && (
          <Text size="sm" c="red">
            {t('common:connection.schedulerUnknown')}
          </Text>
        )}
        <Text size="sm">
          {tick
            ? t('dashboard:scheduler.lastTick', { when: format.ago(tick.at, now), date: format.dateTime(tick.at) })
            : t('dashboard:scheduler.never')}
        </Text>
        <Text size="sm" data-testid="while-locked">
          {t('common:lock.whileLocked')}
        </Text>
        <Text size="sm" c="dimmed">
          {status.unattended.enabled ? t('dashboard:scheduler.unattendedOn') : t('dashboard:scheduler.unattendedOff')}
        </Text>
      </Stack>
    </SectionCard>
  );
}
