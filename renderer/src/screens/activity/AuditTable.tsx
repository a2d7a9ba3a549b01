import { Table, Text } from '@mantine/core';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import type { AuditNames } from '../../labels/audit-detail';
import { auditActionLabel } from '../../labels/audit-labels';
import { AuditDetail } from './AuditDetail';
import type { AuditRow } from './useAuditPages';

/** The entries, newest first: number, time, what happened, and to what. */
export function AuditTable({ rows, names }: { rows: AuditRow[]; names: AuditNames | null }) {
  const { t } = useT();
  const format = useFormat();
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing={6} highlightOnHover aria-label={t('activity:tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('activity:seq')}</Table.Th>
            <Table.Th scope="col">{t('activity:when')}</Table.Th>
            <Table.Th scope="col">{t('activity:what')}</Table.Th>
            <Table.Th scope="col">{t('activity:details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.seq}>
              <Table.Td>
                <Text size="xs" c="dimmed" ff="monospace">
                  {row.seq}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {format.dateTime(row.at)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{auditActionLabel(t, row.action, row.detail)}</Text>
              </Table.Td>
              <Table.Td>
                <AuditDetail row={row} names={names} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
