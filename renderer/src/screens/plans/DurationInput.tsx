import { Group, Input, NumberInput, Select } from '@mantine/core';
import { useId, useState } from 'react';
import { useT } from '../../i18n/useT';
import { bestUnit, UNIT_MS, type DurationUnit } from './duration-units';

/**
 * A duration as a number and a unit (minutes, hours, days); the value is milliseconds. One label,
 * hint and error for the pair, so the two boxes always sit on the same line.
 */
export function DurationInput({
  label,
  description,
  value,
  onChange,
  error,
}: {
  label: string;
  description?: string;
  value: number;
  onChange: (ms: number) => void;
  error?: string;
}) {
  const { t } = useT();
  const id = useId();
  const [unit, setUnit] = useState<DurationUnit>(() => bestUnit(value));
  const amount = value / UNIT_MS[unit];
  return (
    <Input.Wrapper id={id} label={label} description={description} error={error}>
      <Group gap="xs" align="flex-start" wrap="nowrap" mt={4}>
        <NumberInput
          id={id}
          min={1}
          decimalScale={2}
          allowNegative={false}
          value={Number.isFinite(amount) ? Math.round(amount * 100) / 100 : ''}
          onChange={(v) => onChange(typeof v === 'number' ? v * UNIT_MS[unit] : Number.NaN)}
          error={Boolean(error)}
          aria-describedby={
            [description ? `${id}-description` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') ||
            undefined
          }
          style={{ flex: 1 }}
        />
        <Select
          aria-label={t('plans:duration.unitOf', { what: label })}
          value={unit}
          allowDeselect={false}
          w={120}
          data={[
            { value: 'minutes', label: t('plans:duration.minutes') },
            { value: 'hours', label: t('plans:duration.hours') },
            { value: 'days', label: t('plans:duration.days') },
          ]}
          onChange={(v) => {
            if (!v) return;
            const next = v as DurationUnit;
            // Keep the number, change what it counts: "2 days" → "2 hours".
            if (Number.isFinite(amount)) onChange(amount * UNIT_MS[next]);
            setUnit(next);
          }}
        />
      </Group>
    </Input.Wrapper>
  );
}
