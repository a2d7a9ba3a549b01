import { Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { stateLabel } from '../../labels/plan-labels';
import type { AuditRow } from './useAuditPages';

function plain(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** The particulars of one entry: a plan's state change in words, anything else as recorded. */
export function AuditDetail({ row }: { row: AuditRow }) {
  const { t } = useT();
  const { from, to } = row.detail;
  if (row.action === 'plan.transition' && typeof from === 'string' && typeof to === 'string') {
    // A check-in on a plan that was already waiting keeps its state and starts the count again.
    const text =
      from === to
        ? t('activity:transitionSame', { state: stateLabel(t, to) })
        : t('activity:transition', { from: stateLabel(t, from), to: stateLabel(t, to) });
    return <Text size="xs">{text}</Text>;
  }
  const entries = Object.entries(row.detail);
  if (entries.length === 0) return null;
  return (
    <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-word' }}>
      {entries.map(([key, value]) => `${key}: ${plain(value)}`).join(' · ')}
    </Text>
  );
}
