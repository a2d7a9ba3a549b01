import { Badge, Group, Radio, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { messageStatusLabel, type MessageStatus } from './status-labels';

export type EditableStatus = Exclude<MessageStatus, 'sent'>;

/** Draft (never sent), active (goes out when its plan triggers) or paused. A sent message only shows it. */
export function StatusField({ value, onChange }: { value: MessageStatus; onChange(status: EditableStatus): void }) {
  const { t } = useT();
  if (value === 'sent') {
    return (
      <Group gap="xs">
        <Text size="sm" fw={500}>
          {t('messages:editor.status')}
        </Text>
        <Badge color="blue" variant="light">
          {messageStatusLabel(t, 'sent')}
        </Badge>
      </Group>
    );
  }
  return (
    <Radio.Group
      label={t('messages:editor.status')}
      description={t('messages:editor.statusHint')}
      value={value}
      onChange={(v) => onChange(v as EditableStatus)}
    >
      <Group mt="xs">
        <Radio value="draft" label={messageStatusLabel(t, 'draft')} />
        <Radio value="active" label={messageStatusLabel(t, 'active')} />
        <Radio value="paused" label={messageStatusLabel(t, 'paused')} />
      </Group>
    </Radio.Group>
  );
}
