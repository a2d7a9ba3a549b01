import { Anchor, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { useCheckin } from '../../app/CheckinProvider';
import { hashFor } from '../../app/useHashRoute';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useFormat } from '../../i18n/useFormat';
import { auditActionLabel } from '../../labels/audit-labels';
import { auditDetailText } from '../../labels/audit-detail';
import { DataTable, WhenText } from '../common/DataTable';
import { SectionCard } from '../common/SectionCard';

/** The last ten entries of the audit log; the Activity screen has the rest. */
export function RecentActivity({ refreshKey, planNames }: { refreshKey: unknown; planNames: Record<string, string> }) {
  const { t } = useT();
  const format = useFormat();
  const { version } = useCheckin();
  const audit = useRpcQuery((client) => client.call('audit.page', { limit: 10 }), `${version}:${String(refreshKey)}`);
  // The check-in row says it; each plan's "starts over" after it would only repeat it.
  const rows = (audit.data?.rows ?? []).filter(
    (row) => !(row.action === 'plan.transition' && row.detail.reason === 'checked in'),
  );
  const formats = { dateTime: format.dateTime, duration: (ms: number) => format.duration(ms, 2), list: format.list };
  return (
    <SectionCard
      id="activity"
      title={t('dashboard:activity.title')}
      aside={
        <Anchor href={hashFor('activity')} size="sm">
          {t('dashboard:activity.all')}
        </Anchor>
      }
    >
      <DataTable
        rows={rows}
        rowKey={(row) => row.seq}
        loading={audit.loading}
        empty={t('dashboard:activity.empty')}
        columns={[
          { header: t('dashboard:activity.when'), cell: (row) => <WhenText text={format.dateTime(row.at)} dimmed /> },
          {
            header: t('dashboard:activity.what'),
            cell: (row) => (
              <>
                <Text size="sm">{auditActionLabel(t, row.action, row.detail)}</Text>
                <RowDetail row={row} planNames={planNames} text={auditDetailText(t, formats, row)} />
              </>
            ),
          },
        ]}
      />
    </SectionCard>
  );
}

function RowDetail({
  row,
  planNames,
  text,
}: {
  row: { action: string; entityId: string | null };
  planNames: Record<string, string>;
  text: string | null;
}) {
  const plan = row.action === 'plan.transition' && row.entityId ? planNames[row.entityId] : undefined;
  if (!text && !plan) return null;
  return (
    <Text size="xs" c="dimmed">
      {[plan, text].filter(Boolean).join(': ')}
    </Text>
  );
}
