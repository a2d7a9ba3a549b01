import { Badge, Card, Group, Stack, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { nextEventLabel, phaseLabel, planName } from '../../labels/plan-labels';
import { useFormat } from '../../i18n/useFormat';
import { Countdown } from './Countdown';
import { LevelIndicator } from './LevelIndicator';
import { planColor } from './plan-tone';

type PlanStatus = MethodOutput<'status.get'>['plans'][number];

/** One plan: its state and level, what happens next and when, and when messages would go. */
export function PlanCard({ plan, offsetMs }: { plan: PlanStatus; offsetMs: number }) {
  const { t } = useT();
  const format = useFormat();
  const color = planColor(plan.phase, plan.level);
  const name = planName(t, plan.name);
  return (
    <Card withBorder padding="lg" radius="md" component="article" aria-label={t('dashboard:plan.label', { name })}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={650} size="lg" truncate>
            {name}
          </Text>
          <Group gap={6} wrap="nowrap">
            {plan.isTestPlan && (
              <Badge variant="outline" color="grape">
                {t('dashboard:plan.test')}
              </Badge>
            )}
            <Badge color={color} variant="light">
              {phaseLabel(t, plan.phase)}
            </Badge>
          </Group>
        </Group>
        <LevelIndicator level={plan.level} color={color} />
        <Text size="sm" component="div">
          {plan.nextEvent && plan.nextEventAt !== null ? (
            <>
              <Text span fw={600}>
                {t('dashboard:plan.next', { event: nextEventLabel(t, plan.nextEvent) })}
              </Text>{' '}
              <Countdown at={plan.nextEventAt} offsetMs={offsetMs} />
            </>
          ) : plan.nextEvent ? (
            nextEventLabel(t, plan.nextEvent)
          ) : (
            <Text span c="dimmed" size="sm">
              {t('dashboard:plan.nothingNext')}
            </Text>
          )}
        </Text>
        {plan.deliveryAt !== null && (
          <Text size="sm" c="dimmed">
            {t('dashboard:plan.deliveryAt', { date: format.longDateTime(plan.deliveryAt) })}
          </Text>
        )}
        <Text size="sm" c={plan.activeMessages === 0 ? 'dimmed' : undefined}>
          {plan.activeMessages === 0
            ? t('dashboard:plan.noMessages')
            : t('dashboard:plan.messages', { count: plan.activeMessages })}
        </Text>
      </Stack>
    </Card>
  );
}
