import { Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { MAX_DELAY_DAYS, type Delay } from './delay';

type Plan = MethodOutput<'plans.list'>[number];

const DEFAULT_PLAN = '';

/** Which plan releases the message (none chosen: the default plan), and how long after it triggers. */
export function PlanDelayFields({ plans, planId, delay, onPlan, onDelay }: { plans: Plan[]; planId: string | null; delay: Delay; onPlan(id: string | null): void; onDelay(delay: Delay): void }) {
  const { t } = useT();
  const data = [
    { value: DEFAULT_PLAN, label: t('messages:editor.defaultPlan') },
    ...plans.map((p) => ({ value: p.id, label: p.isDefault ? t('messages:editor.planIsDefault', { name: p.name }) : p.name })),
  ];
  return (
    <Stack gap={6}>
      <Group grow align="flex-end" wrap="wrap">
        <Select label={t('messages:editor.plan')} data={data} value={planId ?? DEFAULT_PLAN} onChange={(v) => onPlan(v ? v : null)} allowDeselect={false} miw={200} />
        <NumberInput
          label={t('messages:editor.delayDays')}
          min={0}
          max={MAX_DELAY_DAYS}
          allowDecimal={false}
          allowNegative={false}
          clampBehavior="strict"
          value={delay.days}
          onChange={(v) => onDelay({ ...delay, days: typeof v === 'number' ? v : 0 })}
          miw={120}
        />
        <NumberInput
          label={t('messages:editor.delayHours')}
          min={0}
          max={23}
          allowDecimal={false}
          allowNegative={false}
          clampBehavior="strict"
          value={delay.hours}
          onChange={(v) => onDelay({ ...delay, hours: typeof v === 'number' ? v : 0 })}
          miw={120}
        />
      </Group>
      <Text size="xs" c="dimmed">
        {t('messages:editor.planHint')} {t('messages:editor.delayHint')}
      </Text>
    </Stack>
  );
}
