import { Checkbox, Group, Paper, Stack, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { channelLabel } from '../../labels/plan-labels';
import { DurationInput } from './DurationInput';
import type { LevelDraft } from './plan-draft';

/** One warning level: how long it waits for an answer, and where the warning goes. */
export function LevelFields({
  index,
  level,
  options,
  onChange,
  showErrors,
}: {
  index: number;
  level: LevelDraft;
  options: string[];
  onChange: (level: LevelDraft) => void;
  showErrors: boolean;
}) {
  const { t } = useT();
  const waitTooShort = !Number.isFinite(level.waitMs) || level.waitMs < 60_000;
  // A channel that no longer exists (a removed webhook) stays visible so it can be unticked.
  const all = [...options, ...level.channels.filter((c) => !options.includes(c))];
  return (
    <Paper withBorder p="sm" radius="md" component="fieldset" style={{ margin: 0 }}>
      <Text component="legend" fw={600} size="sm" px={4}>
        {t('plans:level.title', { level: index + 1 })}
      </Text>
      <Stack gap="xs">
        <DurationInput
          label={t('plans:level.wait')}
          description={index === 4 ? t('plans:level.lastWaitHint') : t('plans:level.waitHint')}
          value={level.waitMs}
          onChange={(waitMs) => onChange({ ...level, waitMs })}
          error={waitTooShort ? t('plans:editor.waitTooShort') : undefined}
        />
        <Checkbox.Group
          label={t('plans:level.channels')}
          value={level.channels}
          onChange={(channels) => onChange({ ...level, channels })}
          error={showErrors && level.channels.length === 0 ? t('plans:editor.noChannel') : undefined}
        >
          <Group gap="md" mt={4}>
            {all.map((channel) => (
              <Checkbox key={channel} value={channel} label={channelLabel(t, channel)} />
            ))}
          </Group>
        </Checkbox.Group>
      </Stack>
    </Paper>
  );
}
