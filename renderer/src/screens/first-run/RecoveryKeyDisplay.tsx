import { ActionIcon, CopyButton, Group, Paper, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { recoveryKeyGroups } from '../../../../shared/recovery-key-groups.js';

/** The key in large, numbered groups (easy to copy onto paper); a copy button for a password manager. */
export function RecoveryKeyDisplay({ recoveryKey }: { recoveryKey: string }) {
  const { t } = useT();
  const groups = recoveryKeyGroups(recoveryKey);
  return (
    <Paper withBorder p="md" bg="var(--mantine-color-default-hover)">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <SimpleGrid
          cols={3}
          spacing="lg"
          verticalSpacing="sm"
          role="group"
          aria-label={t('firstRun:recovery.keyLabel')}
          data-testid="recovery-key"
        >
          {groups.map((group, i) => (
            <Stack key={i} gap={0}>
              <Text size="xs" c="dimmed" aria-hidden>
                {i + 1}
              </Text>
              <Text ff="monospace" fz={24} fw={600} lts={2} data-group>
                {group}
              </Text>
            </Stack>
          ))}
        </SimpleGrid>
        <CopyButton value={recoveryKey} timeout={2000}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? t('common:actions.copied') : t('common:actions.copy')}>
              <ActionIcon
                variant="subtle"
                onClick={copy}
                aria-label={t('firstRun:recovery.copy')}
                color={copied ? 'teal' : 'gray'}
              >
                {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
    </Paper>
  );
}
