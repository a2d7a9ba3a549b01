import { Button, FileButton, Group, Input, Stack, Text } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { AttachmentItem } from './AttachmentItem';
import { UploadRow } from './UploadRow';
import type { Uploads } from './useUploads';

type Attachment = MethodOutput<'messages.get'>['attachments'][number];

/** The message's stored attachments (download, remove on save) and new files with their progress. */
export function AttachmentsField({
  messageId,
  attachments,
  uploads,
  onRemove,
}: {
  messageId: string | null;
  attachments: Attachment[];
  uploads: Uploads;
  onRemove(id: string): void;
}) {
  const { t } = useT();
  const empty = attachments.length === 0 && uploads.uploads.length === 0;
  return (
    <Input.Wrapper label={t('messages:attachments.title')} description={t('messages:attachments.hint')}>
      <Stack gap="xs" mt="xs">
        {messageId &&
          attachments.map((a) => (
            <AttachmentItem key={a.id} messageId={messageId} attachment={a} onRemove={onRemove} />
          ))}
        {uploads.uploads.map((u) => (
          <UploadRow key={u.key} upload={u} onCancel={uploads.cancel} />
        ))}
        {empty && (
          <Text size="sm" c="dimmed">
            {t('messages:attachments.none')}
          </Text>
        )}
        <Group>
          <FileButton onChange={(files) => uploads.add(files)} multiple>
            {(props) => (
              <Button {...props} variant="default" size="xs" leftSection={<IconUpload size={14} aria-hidden />}>
                {t('messages:attachments.add')}
              </Button>
            )}
          </FileButton>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}
