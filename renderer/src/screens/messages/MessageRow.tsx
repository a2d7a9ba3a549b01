import { Badge, Group, Skeleton, Text, UnstyledButton } from '@mantine/core';
import { IconPaperclip, IconUsers } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { useFormat } from '../../i18n/useFormat';
import { messageStatusColor, messageStatusLabel } from './status-labels';
import type { MessageSummary } from './useMessagePages';
import classes from './MessageRow.module.css';

/** One row of the list: title, status, recipients and attachments, last change. */
export function MessageRow({ message, selected, onOpen }: { message: MessageSummary | undefined; selected: boolean; onOpen(id: string): void }) {
  const { t } = useT();
  const format = useFormat();
  if (!message) {
    return (
      <div className={classes.row} aria-busy="true">
        <Skeleton height={12} width="60%" mb={8} />
        <Skeleton height={10} width="40%" />
      </div>
    );
  }
  return (
    <UnstyledButton className={classes.row} data-selected={selected || undefined} aria-current={selected ? 'true' : undefined} onClick={() => onOpen(message.id)}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" fw={600} truncate="end" c={message.damaged ? 'red' : undefined}>
          {message.damaged ? t('messages:list.damaged') : message.title || t('messages:list.untitled')}
        </Text>
        <Badge size="xs" variant="light" color={messageStatusColor(message.status)} style={{ flexShrink: 0 }}>
          {messageStatusLabel(t, message.status)}
        </Badge>
      </Group>
      <Group gap="sm" wrap="nowrap" c="dimmed">
        <Group gap={4} wrap="nowrap">
          <IconUsers size={12} aria-hidden />
          <Text size="xs" style={{ whiteSpace: 'nowrap' }}>{t('messages:list.recipients', { count: message.recipientCount })}</Text>
        </Group>
        {message.attachmentCount > 0 && (
          <Group gap={4} wrap="nowrap">
            <IconPaperclip size={12} aria-hidden />
            <Text size="xs" style={{ whiteSpace: 'nowrap' }}>{t('messages:list.attachments', { count: message.attachmentCount })}</Text>
          </Group>
        )}
        <Text size="xs" truncate="end">
          {format.dateTime(message.updatedAt)}
        </Text>
      </Group>
    </UnstyledButton>
  );
}
