import { Badge } from '@mantine/core';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import type { Client } from '../../client/create-client';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { auditActionLabel } from '../../labels/audit-labels';
import { DataTable, WhenText } from '../common/DataTable';
import { SectionCard } from '../common/SectionCard';

type AuditRow = MethodOutput<'audit.page'>['rows'][number];
const LOGIN_ACTIONS = new Set(['vault.unlocked', 'vault.unlock_failed']);
const WANTED = 20;
const PAGE = 500;
const MAX_PAGES = 10;

/** The latest unlocks and failed attempts, read from the audit log newest first. */
async function loginHistory(client: Client): Promise<AuditRow[]> {
  const found: AuditRow[] = [];
  let beforeSeq: number | undefined;
  for (let page = 0; page < MAX_PAGES && found.length < WANTED; page++) {
    const { rows } = await client.call('audit.page', {
      limit: PAGE,
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
    });
    found.push(...rows.filter((r) => LOGIN_ACTIONS.has(r.action)));
    if (rows.length < PAGE) break;
    beforeSeq = rows[rows.length - 1]!.seq;
  }
  return found.slice(0, WANTED);
}

export function LoginHistoryCard() {
  const { t } = useT();
  const format = useFormat();
  const history = useRpcQuery(loginHistory);
  return (
    <SectionCard id="logins" title={t('security:logins.title')} description={t('security:logins.description')}>
      <DataTable
        rows={history.data ?? []}
        rowKey={(row) => row.seq}
        loading={history.loading}
        error={history.error}
        empty={t('security:logins.empty')}
        columns={[
          { header: t('security:logins.when'), cell: (row) => <WhenText text={format.dateTime(row.at)} /> },
          {
            header: t('security:logins.what'),
            cell: (row) => (
              <Badge variant="light" color={row.action === 'vault.unlocked' ? 'teal' : 'red'}>
                {auditActionLabel(t, row.action)}
              </Badge>
            ),
          },
        ]}
      />
    </SectionCard>
  );
}
