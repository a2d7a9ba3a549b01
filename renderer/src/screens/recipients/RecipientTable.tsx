import { Badge, Card, Group, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { DeleteRecipientButton } from './DeleteRecipientButton';
import { EditRecipientButton } from './EditRecipientButton';
import { UsedBy } from './MessageLinks';

type Recipient = MethodOutput<'recipients.list'>[number];

/** The address book: who, how they are reached, which messages go to them, since when. */
export function RecipientTable({ recipients, loading, onChanged, onConflict }: { recipients: Recipient[]; loading: boolean; onChanged: () => void; onConflict: (recipient: Recipient) => void }) {
  const { t } = useT();
  const format = useFormat();
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="recipient-list-title">
      <Title order={2} size="h4" id="recipient-list-title" mb="sm">
        {t('recipients:list.title', { count: recipients.length })}
      </Title>
      {recipients.length === 0 ? (
        <Text size="sm" c="dimmed">
          {loading ? t('common:loading') : t('recipients:list.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing={6} highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('recipients:list.name')}</Table.Th>
                <Table.Th scope="col">{t('recipients:list.contact')}</Table.Th>
                <Table.Th scope="col">{t('recipients:list.usedBy')}</Table.Th>
                <Table.Th scope="col">{t('recipients:list.added')}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t('recipients:list.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {recipients.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {r.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" size="xs" mr={6} color={r.type === 'email' ? 'blue' : 'grape'}>
                      {r.type === 'email' ? t('recipients:type.email') : t('recipients:type.webhook')}
                    </Badge>
                    <Text size="sm" span style={{ wordBreak: 'break-all' }}>
                      {r.contact}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <UsedBy messages={r.usedBy} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                      {format.dateTime(r.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <EditRecipientButton recipient={r} onSaved={onChanged} />
                      <DeleteRecipientButton recipient={r} onDeleted={onChanged} onConflict={() => onConflict(r)} />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
