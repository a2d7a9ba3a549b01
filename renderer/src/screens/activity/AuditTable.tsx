import { Text } from '@mantine/core';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import type { AuditNames } from '../../labels/audit-detail';
import { auditActionLabel } from '../../labels/audit-labels';
import { DataTable, WhenText } from '../common/DataTable';
import { AuditDetail } from './AuditDetail';
import type { AuditRow } from './useAuditPages';

/** The entries, newest first: number, time, what happened, and to what. */
export function AuditTable({ rows, names, loading }: { rows: AuditRow[]; names: AuditNames | null; loading: boolean }) {
  const { t } = useT();
  const format = useFormat();
  return (
    <DataTable
      rows={rows}
      rowKey={(row) => row.seq}
      label={t('activity:tableLabel')}
      minWidth={560}
      loading={loading}
      empty={t('activity:empty')}
      columns={[
        {
          header: t('activity:seq'),
          cell: (row) => (
            <Text size="xs" c="dimmed" ff="monospace">
              {row.seq}
            </Text>
          ),
        },
        { header: t('activity:when'), cell: (row) => <WhenText text={format.dateTime(row.at)} /> },
        {
          header: t('activity:what'),
          cell: (row) => <Text size="sm">{auditActionLabel(t, row.action, row.detail)}</Text>,
        },
        { header: t('activity:details'), cell: (row) => <AuditDetail row={row} names={names} /> },
      ]}
    />
  );
}
