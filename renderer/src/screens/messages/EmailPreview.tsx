import { Code, Divider, List, Modal, Paper, Stack, Tabs, Text, Typography } from '@mantine/core';
import { composeLetter } from '../../../../shared/delivery-letter.js';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { formatBytes } from './bytes';
import { sanitizeHtml } from './message-html';

export interface PreviewContent {
  title: string;
  text: string;
  /** The editor's HTML; shown sanitized, as the e-mail's HTML part carries it. */
  html: string;
  to: string[];
  attachments: { name: string; size: number }[];
}

/**
 * The e-mail as recipients will get it, composed by the same code the delivery uses
 * (shared/delivery-letter.ts): the subject, the formatted body, the footer word for word, the
 * plain-text part, and the attachments.
 */
export function EmailPreview({
  opened,
  onClose,
  content,
}: {
  opened: boolean;
  onClose(): void;
  content: PreviewContent;
}) {
  const { t } = useT();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('messages:preview.title')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('messages:preview.close') }}
    >
      {opened && <PreviewBody content={content} />}
    </Modal>
  );
}

function PreviewBody({ content }: { content: PreviewContent }) {
  const { t, i18n } = useT();
  const format = useFormat();
  const language = i18n.resolvedLanguage ?? i18n.language;
  // The sender's name is the owner's, as Settings hold it when the message goes out.
  const settings = useRpcQuery((client) => client.call('settings.get'));
  const html = sanitizeHtml(content.html);
  const letter = composeLetter({
    title: content.title,
    body: content.text,
    bodyHtml: html || null,
    senderName: settings.data?.owner?.name ?? null,
  });
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('messages:preview.intro')}
      </Text>
      <Paper withBorder p="md" radius="md">
        <Stack gap={6}>
          <Text size="sm">
            <Text span fw={600}>
              {t('messages:preview.to')}
            </Text>{' '}
            {content.to.length > 0 ? format.list(content.to) : t('messages:preview.nobody')}
          </Text>
          <Text size="sm" data-testid="preview-subject">
            <Text span fw={600}>
              {t('messages:preview.subject')}
            </Text>{' '}
            {letter.subject}
          </Text>
          <Divider my={4} />
          <Tabs defaultValue="formatted">
            <Tabs.List>
              <Tabs.Tab value="formatted">{t('messages:preview.formatted')}</Tabs.Tab>
              <Tabs.Tab value="plain">{t('messages:preview.plain')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="formatted" pt="sm">
              <Stack gap={6}>
                {letter.bodyText ? (
                  <Typography fz="sm" style={{ wordBreak: 'break-word' }}>
                    <div data-testid="preview-body" dangerouslySetInnerHTML={{ __html: html }} />
                  </Typography>
                ) : (
                  <Text size="sm">{t('messages:preview.emptyBody')}</Text>
                )}
                <Divider />
                <Text size="xs" c="dimmed" fs="italic" data-testid="preview-footer">
                  {letter.footer}
                </Text>
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="plain" pt="sm">
              <Code block data-testid="preview-text" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {letter.text}
              </Code>
            </Tabs.Panel>
          </Tabs>
          {content.attachments.length > 0 && (
            <>
              <Divider my={4} />
              <Text size="sm" fw={600}>
                {t('messages:preview.attachments', { count: content.attachments.length })}
              </Text>
              <List size="sm">
                {content.attachments.map((a, i) => (
                  <List.Item key={`${a.name}-${i}`}>
                    {a.name} ({formatBytes(a.size, language)})
                  </List.Item>
                ))}
              </List>
            </>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
