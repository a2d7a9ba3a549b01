import { Group, List, Progress, Stack, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import type { Strength, StrengthHint } from './password-strength';

const COLORS = ['red', 'red', 'orange', 'teal', 'green'] as const;

/** The strength bar, its word, and what would make the password better. */
export function StrengthMeter({ strength, visible }: { strength: Strength; visible: boolean }) {
  const { t } = useT();
  const words = [
    t('common:password.strength.0'),
    t('common:password.strength.1'),
    t('common:password.strength.2'),
    t('common:password.strength.3'),
    t('common:password.strength.4'),
  ];
  const hintText: Record<StrengthHint, string> = {
    tooShort: t('common:password.hint.tooShort'),
    longer: t('common:password.hint.longer'),
    common: t('common:password.hint.common'),
    repeated: t('common:password.hint.repeated'),
    sequence: t('common:password.hint.sequence'),
    variety: t('common:password.hint.variety'),
  };
  if (!visible) return null;
  const percent = ((strength.score + 1) / 5) * 100;
  return (
    <Stack gap={6} aria-live="polite">
      {/* The progressbar role is on the section, so its value text (a word, not "60%") goes there too. */}
      <Progress.Root size="sm">
        <Progress.Section
          value={percent}
          color={COLORS[strength.score]}
          withAria={false}
          role="progressbar"
          aria-label={t('common:password.strength.label')}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={words[strength.score]}
        />
      </Progress.Root>
      <Group justify="space-between">
        <Text size="sm" fw={600} c={COLORS[strength.score]}>
          {t('common:password.strength.value', { value: words[strength.score] })}
        </Text>
      </Group>
      {strength.hints.length > 0 && (
        <List size="sm" c="dimmed" spacing={2}>
          {strength.hints.map((hint) => (
            <List.Item key={hint}>{hintText[hint]}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
