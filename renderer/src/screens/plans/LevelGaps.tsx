import { Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { levelReadiness, type ChannelSetup } from '../../../../shared/level-readiness.js';
import type { Channel } from '../../../../shared/plans.js';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { channelLabel, gapLabel } from '../../labels/plan-labels';

/**
 * What of a level is not set up and where its warning goes instead: "Webhooks: none configured —
 * this level will fall back to desktop notification." Nothing when the level is ready.
 */
export function LevelGaps({ channels, setup, level }: { channels: string[]; setup: ChannelSetup | null; level?: number }) {
  const { t } = useT();
  const format = useFormat();
  if (!setup) return null;
  const { gaps, reaches } = levelReadiness(channels as Channel[], setup);
  if (gaps.length === 0) return null;
  const text = t('plans:gaps.fallback', {
    gaps: gaps.map((g) => gapLabel(t, g)).join(t('plans:gaps.separator')),
    channels: format.list(reaches.map((c) => channelLabel(t, c))),
  });
  return (
    <Text size="xs" c="orange.8" data-testid="level-gaps">
      <IconAlertTriangle size={12} aria-hidden style={{ verticalAlign: 'middle', marginInlineEnd: 4 }} />
      {level === undefined ? text : t('plans:gaps.level', { level, text })}
    </Text>
  );
}
