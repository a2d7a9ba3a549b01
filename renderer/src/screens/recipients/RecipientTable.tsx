import { Badge, Group, Text, VisuallyHidden } from '@mantine/core';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { DataTable, WhenText } from '../common/DataTable';
import { SectionCard } from '../common/SectionCard';
import { DeleteRecipientButton } from './DeleteRecipientButton';
import { EditRecipientButton } from './EditRecipientButton';
import { UsedBy } from './MessageLinks';

type Recipient = MethodOutput<'recipients.list'>[number];

/** The address book: who, how they are reached, which messages go to them, since when. */
export function RecipientTable({
  recipients,
  loading,
  onChanged,
  onConflict,
}: {
  recipients: Recipient[];
  loading: boolean;
  onChanged: () => void;
  onConflict: (recipient: Recipient) => void;
}) {
  const { t } = useT();
  const format = useFormat();
  return (
    <SectionCard id="recipient-list" title={t('recipients:list.title', { count: recipients.length })}>
      <DataTable
        rows={recipients}
        rowKey={(r) => r.id}
        minWidth={640}
        loading={loading}
        empty={t('recipients:list.empty')}
        columns={[
          {
            header: t('recipients:list.name'),
            cell: (r) => (
              <Text size="sm" fw={500}>
                {r.name}
              </Text>
            ),
          },
          {
            header: t('recipients:list.contact'),
            cell: (r) => (
              <>
                <Badge variant="light" size="xs" mr={6} color={r.type === 'email' ? 'blue' : 'grape'}>
                  {r.type === 'email' ? t('recipients:type.email') : t('recipients:type.webhook')}
                </Badge>
                <Text size="sm" span style={{ wordBreak: 'break-all' }}>
                  {r.contact}
                </Text>
              </>
            ),
          },
          { header: t('recipients:list.usedBy'), cell: (r) => <UsedBy messages={r.usedBy} /> },
          { header: t('recipients:list.added'), cell: (r) => <WhenText text={format.dateTime(r.createdAt)} dimmed /> },
          {
            header: <VisuallyHidden>{t('recipients:list.actions')}</VisuallyHidden>,
            cell: (r) => (
              <Group gap={4} wrap="nowrap">
                <EditRecipientButton recipient={r} onSaved={onChanged} />
                <DeleteRecipientButton recipient={r} onDeleted={onChanged} onConflict={() => onConflict(r)} />
              </Group>
            ),
          },
        ]}
      />
    </SectionCard>
  );
}
