import { Anchor, Button, CloseButton, Group, Text } from '@mantine/core';
import { IconDownload, IconPaperclip } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useNotifyError } from '../../hooks/useNotifyError';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { formatBytes } from './bytes';
import { downloadAttachment } from './download';

type Attachment = MethodOutput<'messages.get'>['attachments'][number];

/**
 * An attachment already stored with the message. "Prepare download" reassembles it in memory;
 * the link that follows saves it under its own name.
 */
export function AttachmentItem({
  messageId,
  attachment,
  onRemove,
}: {
  messageId: string;
  attachment: Attachment;
  onRemove(id: string): void;
}) {
  const { t, i18n } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const language = i18n.resolvedLanguage ?? i18n.language;
  const [url, setUrl] = useState<string | null>(null);
  const [received, setReceived] = useState<number | null>(null);

  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );

  const prepare = async () => {
    setReceived(0);
    try {
      const blob = await downloadAttachment(client, messageId, attachment.id, setReceived);
      setUrl(URL.createObjectURL(blob));
    } catch (error) {
      notifyError(error);
    } finally {
      setReceived(null);
    }
  };

  return (
    <Group justify="space-between" wrap="nowrap">
      <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
        <IconPaperclip size={16} aria-hidden />
        <Text size="sm" truncate="end">
          {attachment.name}
        </Text>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {formatBytes(attachment.size, language)}
        </Text>
      </Group>
      <Group gap="xs" wrap="nowrap">
        {url ? (
          <Anchor href={url} download={attachment.name} size="sm">
            {t('messages:attachments.save', { name: attachment.name })}
          </Anchor>
        ) : (
          <Button
            size="compact-sm"
            variant="subtle"
            leftSection={<IconDownload size={14} aria-hidden />}
            loading={received !== null}
            onClick={() => void prepare()}
            aria-label={t('messages:attachments.download', { name: attachment.name })}
          >
            {t('messages:attachments.downloadShort')}
          </Button>
        )}
        <CloseButton
          size="sm"
          aria-label={t('messages:attachments.remove', { name: attachment.name })}
          onClick={() => onRemove(attachment.id)}
        />
      </Group>
    </Group>
  );
}
