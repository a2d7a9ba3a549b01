import { Anchor, Card, Group, Table, Text, Title } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { useCheckin } from '../../app/CheckinProvider';
import { hashFor } from '../../app/useHashRoute';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useFormat } from '../../i18n/useFormat';
import { auditActionLabel } from '../../labels/audit-labels';
import { auditDetailText } from '../../labels/audit-detail';

/** The last ten entries of the audit log; the Activity screen has the rest. */
export function RecentActivity({ refreshKey, planNames }: { refreshKey: unknown; planNames: Record<string, string> }) {
  const { t } = useT();
  const format = useFormat();
  const { version } = useCheckin();
  const audit = useRpcQuery((client) => client.call('audit.page', { limit: 10 }), `${version}:${String(refreshKey)}`);
  // The check-in row says it; each plan's "starts over" after it would only repeat it.
  const rows = (audit.data?.rows ?? []).filter((row) => !(row.action === 'plan.transition' && row.detail.reason === 'checked in'));
  const formats = { dateTime: format.dateTime, duration: (ms: number) => format.duration(ms, 2), list: format.list };
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="activity-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="activity-title">
          {t('dashboard:activity.title')}
        </Title>
        <Anchor href={hashFor('activity')} size="sm">
          {t('dashboard:activity.all')}
        </Anchor>
      </Group>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {audit.loading ? t('common:loading') : t('dashboard:activity.empty')}
        </Text>
      ) : (
        <Table verticalSpacing={6} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('dashboard:activity.when')}</Table.Th>
              <Table.Th scope="col">{t('dashboard:activity.what')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.seq}>
                <Table.Td>
                  <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {format.dateTime(row.at)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{auditActionLabel(t, row.action, row.detail)}</Text>
                  <RowDetail row={row} planNames={planNames} text={auditDetailText(t, formats, row)} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function RowDetail({ row, planNames, text }: { row: { action: string; entityId: string | null }; planNames: Record<string, string>; text: string | null }) {
  const plan = row.action === 'plan.transition' && row.entityId ? planNames[row.entityId] : undefined;
  if (!text && !plan) return null;
  return (
    <Text size="xs" c="dimmed">
      {[plan, text].filter(Boolean).join(': ')}
    </Text>
  );
}
