import { CloseButton, Group, Progress, Stack, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { useFormat } from '../../i18n/useFormat';
import { formatBytes } from './bytes';
import type { Upload } from './useUploads';

/** A file on its way: name, a progress bar from our own byte counter, and cancel. */
export function UploadRow({ upload, onCancel }: { upload: Upload; onCancel(key: string): void }) {
  const { t, i18n } = useT();
  const format = useFormat();
  const percent = upload.size === 0 ? 100 : Math.round((upload.sent / upload.size) * 100);
  const language = i18n.resolvedLanguage ?? i18n.language;
  return (
    <Stack gap={4}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" truncate="end">
          {upload.name}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Text size="xs" c={upload.state === 'failed' ? 'red' : 'dimmed'}>
            {upload.state === 'failed'
              ? t('messages:attachments.failed')
              : upload.state === 'done'
                ? t('messages:attachments.ready', { size: formatBytes(upload.size, language) })
                : t('messages:attachments.progress', {
                    sent: formatBytes(upload.sent, language),
                    size: formatBytes(upload.size, language),
                    percent: format.number(percent),
                  })}
          </Text>
          <CloseButton
            size="sm"
            aria-label={
              upload.state === 'uploading'
                ? t('messages:attachments.cancel', { name: upload.name })
                : t('messages:attachments.remove', { name: upload.name })
            }
            onClick={() => onCancel(upload.key)}
          />
        </Group>
      </Group>
      {/* The progressbar role is on the section (Mantine), so its accessible name goes there too. */}
      <Progress.Root size="sm">
        <Progress.Section
          value={percent}
          color={upload.state === 'failed' ? 'red' : upload.state === 'done' ? 'teal' : 'blue'}
          animated={upload.state === 'uploading'}
          aria-label={t('messages:attachments.progressLabel', { name: upload.name })}
        />
      </Progress.Root>
    </Stack>
  );
}
