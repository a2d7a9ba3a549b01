import { ActionIcon, Alert, Code, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';
import { restoreCommand } from './restore-command';
import type { StoredTarget } from './target-form';

/** The command that brings this vault back on another computer, to copy, and what it needs. */
export function RestoreCard({ target }: { target: StoredTarget }) {
  const { t } = useT();
  const command = restoreCommand(target);
  return (
    <SectionCard id="backup-restore" title={t('backup:restore.title')} description={t('backup:restore.description')}>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code
          block
          style={{ flex: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
          aria-label={t('backup:restore.command')}
        >
          {command}
        </Code>
        <CopyButton value={command} timeout={2000}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? t('common:actions.copied') : t('common:actions.copy')}>
              <ActionIcon
                variant="subtle"
                color={copied ? 'teal' : 'gray'}
                onClick={copy}
                aria-label={t('backup:restore.copy')}
              >
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
      <Stack gap={4}>
        <Text size="sm">{t('backup:restore.recoveryKey')}</Text>
        <Text size="sm">{t('backup:restore.paused')}</Text>
      </Stack>
      <Alert color="orange" variant="light" icon={<IconAlertTriangle />}>
        <Text size="sm">{t('backup:restore.weakPassword')}</Text>
      </Alert>
    </SectionCard>
  );
}
