import { Alert, Badge, Card, Group, Text, Timeline, Title } from '@mantine/core';
import { IconBell, IconClock, IconSend } from '@tabler/icons-react';
import { useNow } from '../../hooks/useNow';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import type { ChannelSetup } from '../../../../shared/level-readiness.js';
import { channelLabel, timelineEventLabel } from '../../labels/plan-labels';
import { LevelGaps } from './LevelGaps';
import { PlanDeliveries } from './PlanDeliveries';
import { MINUTE_MS, type LevelDraft } from './plan-draft';
import type { TimelineEvent } from './useSimulation';

/**
 * If you stopped checking in now: when each warning would come (and where), and when the messages
 * would go. The times come from the server (`plans.simulate`), so they match what it will do.
 */
export function PlanTimeline({
  timeline,
  levels,
  stale,
  error,
  isTestPlan,
  setup,
  planId,
}: {
  timeline: TimelineEvent[] | null;
  levels: LevelDraft[];
  stale: boolean;
  error: string | null;
  isTestPlan: boolean;
  /** What is set up, to flag channels that lead nowhere; null while loading. */
  setup: ChannelSetup | null;
  /** The stored plan (its messages are listed at the delivery), null for a new one. */
  planId: string | null;
}) {
  const { t } = useT();
  const format = useFormat();
  const now = useNow(30_000);
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="plan-timeline-title">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="plan-timeline-title">
          {t('plans:timeline.title')}
        </Title>
        {isTestPlan && (
          <Badge color="orange" variant="light">
            {t('plans:testPlan')}
          </Badge>
        )}
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {t('plans:timeline.description')}
      </Text>
      {stale && (
        <Alert color="gray" variant="light" mb="sm">
          {t('plans:timeline.incomplete')}
        </Alert>
      )}
      {error && (
        <Alert color="red" variant="light" mb="sm">
          {error}
        </Alert>
      )}
      {timeline ? (
        <Timeline active={-1} bulletSize={26} lineWidth={2} aria-live="polite" style={{ opacity: stale ? 0.5 : 1 }}>
          <Timeline.Item bullet={<IconClock size={14} />} title={t('plans:timeline.now')}>
            <Text size="xs" c="dimmed">
              {format.dateTime(now)}
            </Text>
          </Timeline.Item>
          {timeline.map((event) => {
            const delivery = event.event === 'delivery';
            const channels = delivery ? [] : (levels[event.level - 1]?.channels ?? []);
            return (
              <Timeline.Item
                key={`${event.event}-${event.at}`}
                color={delivery ? 'red' : event.level >= 4 ? 'orange' : 'blue'}
                bullet={delivery ? <IconSend size={14} /> : <IconBell size={14} />}
                title={timelineEventLabel(t, event.event, event.level)}
              >
                <Text size="sm">{format.longDateTime(event.at)}</Text>
                <Text size="xs" c="dimmed">
                  {t('plans:timeline.after', {
                    duration: format.duration(Math.round((event.at - now) / MINUTE_MS) * MINUTE_MS, 2),
                  })}
                  {channels.length > 0 &&
                    ` · ${t('plans:timeline.via', { channels: format.list(channels.map((c) => channelLabel(t, c))) })}`}
                </Text>
                {!delivery && <LevelGaps channels={channels} setup={setup} />}
                {delivery && (
                  <Text size="xs" c="dimmed">
                    {t('plans:timeline.deliveryHint')}
                  </Text>
                )}
                {delivery && planId && <PlanDeliveries planId={planId} />}
              </Timeline.Item>
            );
          })}
        </Timeline>
      ) : (
        !stale &&
        !error && (
          <Text size="sm" c="dimmed">
            {t('common:loading')}
          </Text>
        )
      )}
    </Card>
  );
}
