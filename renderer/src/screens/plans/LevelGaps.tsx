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
export function LevelGaps({ channels, setup }: { channels: string[]; setup: ChannelSetup | null }) {
  const text = useGapText()(channels, setup);
  return text ? <GapLine text={text} /> : null;
}

/**
 * The same for a whole plan, one line per distinct problem with the warnings it concerns:
 * "Warnings 3, 4, and 5: Webhooks: none configured — …".
 */
export function PlanGaps({ levels, setup }: { levels: { channels: string[] }[]; setup: ChannelSetup | null }) {
  const { t } = useT();
  const format = useFormat();
  const gapText = useGapText();
  const byText = new Map<string, number[]>();
  levels.forEach((level, i) => {
    const text = gapText(level.channels, setup);
    if (text) byText.set(text, [...(byText.get(text) ?? []), i + 1]);
  });
  return (
    <>
      {[...byText].map(([text, numbers]) => (
        <GapLine
          key={text}
          text={t('plans:gaps.levels', { count: numbers.length, levels: format.list(numbers.map(String)), text })}
        />
      ))}
    </>
  );
}

function useGapText(): (channels: string[], setup: ChannelSetup | null) => string | null {
  const { t } = useT();
  const format = useFormat();
  return (channels, setup) => {
    if (!setup) return null;
    const { gaps, reaches } = levelReadiness(channels as Channel[], setup);
    if (gaps.length === 0) return null;
    return t('plans:gaps.fallback', {
      gaps: gaps.map((g) => gapLabel(t, g)).join(t('plans:gaps.separator')),
      channels: format.list(reaches.map((c) => channelLabel(t, c))),
    });
  };
}

function GapLine({ text }: { text: string }) {
  return (
    <Text size="xs" c="orange" data-testid="level-gaps">
      <IconAlertTriangle size={12} aria-hidden style={{ verticalAlign: 'middle', marginInlineEnd: 4 }} />
      {text}
    </Text>
  );
}
