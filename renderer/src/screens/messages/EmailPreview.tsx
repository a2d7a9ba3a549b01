import { Divider, List, Modal, Paper, Stack, Text, Typography } from '@mantine/core';
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

/** The e-mail as recipients will get it: the formatted body (sanitized), the footer and the attachments. */
export function EmailPreview({ opened, onClose, content }: { opened: boolean; onClose(): void; content: PreviewContent }) {
  const { t, i18n } = useT();
  const language = i18n.resolvedLanguage ?? i18n.language;
  return (
    <Modal opened={opened} onClose={onClose} title={t('messages:preview.title')} size="lg" closeButtonProps={{ 'aria-label': t('messages:preview.close') }}>
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
              {content.to.length > 0 ? content.to.join(', ') : t('messages:preview.nobody')}
            </Text>
            <Text size="sm">
              <Text span fw={600}>
                {t('messages:preview.subject')}
              </Text>{' '}
              {content.title.trim() || t('messages:preview.fallbackSubject')}
            </Text>
            <Divider my={4} />
            {content.text ? (
              <Typography fz="sm" style={{ wordBreak: 'break-word' }}>
                <div data-testid="preview-body" dangerouslySetInnerHTML={{ __html: sanitizeHtml(content.html) }} />
              </Typography>
            ) : (
              <Text size="sm">{t('messages:preview.emptyBody')}</Text>
            )}
            <Text size="xs" c="dimmed" fs="italic">
              {t('messages:preview.footer')}
            </Text>
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
    </Modal>
  );
}
