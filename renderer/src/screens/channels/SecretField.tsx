import { ActionIcon, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconEye, IconEyeOff } from '@tabler/icons-react';
import { useState } from 'react';
import { useT } from '../../i18n/useT';

/** A signing secret: hidden until asked for, always copyable. */
export function SecretField({ label, secret }: { label: string; secret: string }) {
  const { t } = useT();
  const [shown, setShown] = useState(false);
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {shown ? secret : '•'.repeat(16)}
      </Text>
      <Tooltip label={shown ? t('channels:secret.hide') : t('channels:secret.show')}>
        <ActionIcon
          size="sm"
          variant="subtle"
          color="gray"
          onClick={() => setShown((s) => !s)}
          aria-label={shown ? t('channels:secret.hide') : t('channels:secret.show')}
        >
          {shown ? <IconEyeOff size={14} /> : <IconEye size={14} />}
        </ActionIcon>
      </Tooltip>
      <CopyButton value={secret} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('common:actions.copied') : t('common:actions.copy')}>
            <ActionIcon
              size="sm"
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              onClick={copy}
              aria-label={t('channels:secret.copy', { what: label })}
            >
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
