import { Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { planName } from '../../labels/plan-labels';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { MAX_DELAY_DAYS, type Delay } from './delay';

type Plan = MethodOutput<'plans.list'>[number];

const DEFAULT_PLAN = '';

/**
 * Which plan releases the message, and how long after it triggers. The default plan is one entry
 * ("Default plan"): a message that names no plan follows whichever plan is the default.
 */
export function PlanDelayFields({
  plans,
  planId,
  delay,
  onPlan,
  onDelay,
}: {
  plans: Plan[];
  planId: string | null;
  delay: Delay;
  onPlan(id: string | null): void;
  onDelay(delay: Delay): void;
}) {
  const { t } = useT();
  const defaultPlan = plans.find((p) => p.isDefault);
  const defaultName = defaultPlan ? planName(t, defaultPlan.name) : null;
  const data = [
    {
      value: DEFAULT_PLAN,
      label:
        defaultName && defaultName !== t('plans:defaultName')
          ? t('messages:editor.defaultPlanNamed', { name: defaultName })
          : t('messages:editor.defaultPlan'),
    },
    ...plans.filter((p) => !p.isDefault).map((p) => ({ value: p.id, label: planName(t, p.name) })),
  ];
  const value = planId === null || planId === defaultPlan?.id ? DEFAULT_PLAN : planId;
  const nowrapLabel = { label: { whiteSpace: 'nowrap' } } as const;
  return (
    <Stack gap="sm">
      <Select
        label={t('messages:editor.plan')}
        description={t('messages:editor.planHint')}
        data={data}
        value={value}
        onChange={(v) => onPlan(v ? v : null)}
        allowDeselect={false}
      />
      <Stack gap={4}>
        <Group align="flex-start" gap="sm" wrap="wrap">
          <NumberInput
            label={t('messages:editor.delayDays')}
            min={0}
            max={MAX_DELAY_DAYS}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="strict"
            value={delay.days}
            onChange={(v) => onDelay({ ...delay, days: typeof v === 'number' ? v : 0 })}
            w={150}
            styles={nowrapLabel}
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
            w={150}
            styles={nowrapLabel}
          />
        </Group>
        <Text size="xs" c="dimmed">
          {t('messages:editor.delayHint')}
        </Text>
      </Stack>
    </Stack>
  );
}
