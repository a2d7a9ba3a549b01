import { Box, Group, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';

const LEVELS = 5;

/** Five segments, filled up to the current warning level: how far the escalation has gone. */
export function LevelIndicator({ level, color }: { level: number; color: string }) {
  const { t } = useT();
  const label = level > 0 ? t('dashboard:plan.level', { level, total: LEVELS }) : t('dashboard:plan.noLevel');
  return (
    <Group gap={8} wrap="nowrap">
      <Group gap={3} wrap="nowrap" role="img" aria-label={label}>
        {Array.from({ length: LEVELS }, (_, i) => (
          <Box
            key={i}
            w={22}
            h={8}
            style={{
              borderRadius: 4,
              background: i < level ? `var(--mantine-color-${color}-filled)` : 'var(--mantine-color-default-border)',
            }}
          />
        ))}
      </Group>
      <Text size="xs" c="dimmed" aria-hidden>
        {label}
      </Text>
    </Group>
  );
}
