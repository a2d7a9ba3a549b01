import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconEdit, IconStar, IconTrash } from '@tabler/icons-react';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import type { ChannelSetup } from '../../../../shared/level-readiness.js';
import { channelLabel, planName } from '../../labels/plan-labels';
import { PlanGaps } from './LevelGaps';
import type { Plan } from './plan-draft';
import { PlanDeliveries } from './PlanDeliveries';

/**
 * One plan in the list: how often it asks, how long the five warnings take, which of its channels
 * are not set up (and where those warnings go instead), what it delivers to whom, and what you can do with it.
 */
export function PlanCard({
  plan,
  setup,
  refreshKey,
  onEdit,
  onMakeDefault,
  onDelete,
}: {
  plan: Plan;
  setup: ChannelSetup | null;
  refreshKey?: unknown;
  onEdit: () => void;
  onMakeDefault: () => void;
  onDelete: () => void;
}) {
  const { t } = useT();
  const format = useFormat();
  const warningsMs = plan.levels.reduce((sum, l) => sum + l.waitMs, 0);
  const channels = [...new Set(plan.levels.flatMap((l) => l.channels))];
  const name = planName(t, plan.name);
  return (
    <Card withBorder padding="md" radius="md" component="article" aria-label={name}>
      <Group justify="space-between" mb={6} wrap="nowrap">
        <Title order={3} size="h5">
          {name}
        </Title>
        <Group gap={6}>
          {plan.isDefault && <Badge variant="light">{t('plans:list.default')}</Badge>}
          {plan.isTestPlan && (
            <Badge color="orange" variant="light">
              {t('plans:testPlan')}
            </Badge>
          )}
        </Group>
      </Group>
      <Stack gap={2} mb="sm">
        <Text size="sm">{t('plans:list.interval', { duration: format.duration(plan.intervalMs, 2) })}</Text>
        <Text size="sm">{t('plans:list.warnings', { duration: format.duration(warningsMs, 2) })}</Text>
        <Text size="xs" c="dimmed">
          {t('plans:list.channels', { channels: format.list(channels.map((c) => channelLabel(t, c))) })}
        </Text>
        <PlanGaps levels={plan.levels} setup={setup} />
      </Stack>
      <Stack gap={2} mb="sm">
        <PlanDeliveries planId={plan.id} refreshKey={refreshKey} />
      </Stack>
      <Group gap="xs">
        <Button
          size="xs"
          variant="light"
          leftSection={<IconEdit size={14} />}
          onClick={onEdit}
          aria-label={t('plans:list.editLabel', { name })}
        >
          {t('plans:list.edit')}
        </Button>
        {!plan.isDefault && (
          <>
            <Button size="xs" variant="subtle" leftSection={<IconStar size={14} />} onClick={onMakeDefault}>
              {t('plans:list.makeDefault')}
            </Button>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={14} />}
              onClick={onDelete}
              aria-label={t('plans:list.deleteLabel', { name })}
            >
              {t('plans:list.delete')}
            </Button>
          </>
        )}
      </Group>
    </Card>
  );
}
