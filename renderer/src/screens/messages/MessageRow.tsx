import { Badge, Group, Skeleton, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconPaperclip, IconUsers } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { useFormat } from '../../i18n/useFormat';
import { messageStatusColor, messageStatusLabel } from './status-labels';
import type { MessageSummary } from './useMessagePages';
import classes from './MessageRow.module.css';

/** One row of the list: title, status, recipients and attachments, last change. */
export function MessageRow({
  message,
  selected,
  onOpen,
}: {
  message: MessageSummary | undefined;
  selected: boolean;
  onOpen(id: string): void;
}) {
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
    <UnstyledButton
      className={classes.row}
      data-selected={selected || undefined}
      aria-current={selected ? 'true' : undefined}
      onClick={() => onOpen(message.id)}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" fw={600} truncate="end" c={message.damaged ? 'red' : undefined}>
          {message.damaged ? t('messages:list.damaged') : message.title || t('messages:list.untitled')}
        </Text>
        <Badge size="xs" variant="light" color={messageStatusColor(message.status)} style={{ flexShrink: 0 }}>
          {messageStatusLabel(t, message.status)}
        </Badge>
      </Group>
      {/* The counts as icon and number (the words for screen readers), so the date always fits whole. */}
      <Group gap="sm" wrap="nowrap" c="dimmed">
        <Group gap={4} wrap="nowrap" title={t('messages:list.recipients', { count: message.recipientCount })}>
          <IconUsers size={12} aria-hidden />
          <Text size="xs" aria-hidden>
            {format.number(message.recipientCount)}
          </Text>
          <VisuallyHidden>{t('messages:list.recipients', { count: message.recipientCount })}</VisuallyHidden>
        </Group>
        {message.attachmentCount > 0 && (
          <Group gap={4} wrap="nowrap" title={t('messages:list.attachments', { count: message.attachmentCount })}>
            <IconPaperclip size={12} aria-hidden />
            <Text size="xs" aria-hidden>
              {format.number(message.attachmentCount)}
            </Text>
            <VisuallyHidden>{t('messages:list.attachments', { count: message.attachmentCount })}</VisuallyHidden>
          </Group>
        )}
        <Text size="xs" ml="auto" style={{ whiteSpace: 'nowrap' }}>
          {format.dateTime(message.updatedAt)}
        </Text>
      </Group>
    </UnstyledButton>
  );
}
