import { Badge, Card, Table, Text, Title } from '@mantine/core';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import type { Client } from '../../client/create-client';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { auditActionLabel } from '../../labels/audit-labels';

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
    const { rows } = await client.call('audit.page', { limit: PAGE, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
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
  const rows = history.data ?? [];
  const error = history.error;
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="logins-title">
      <Title order={2} size="h4" id="logins-title" mb={4}>
        {t('security:logins.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('security:logins.description')}
      </Text>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {history.loading ? t('common:loading') : error ? t(`errors:code.${error.code}`) : t('security:logins.empty')}
        </Text>
      ) : (
        <Table verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('security:logins.when')}</Table.Th>
              <Table.Th scope="col">{t('security:logins.what')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.seq}>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {format.dateTime(row.at)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={row.action === 'vault.unlocked' ? 'teal' : 'red'}>
                    {auditActionLabel(t, row.action)}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
