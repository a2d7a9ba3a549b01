import { Alert, Button, List, Text, VisuallyHidden } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import type { RpcError } from '../../client/rpc-error';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { formatBytes } from '../messages/bytes';
import { DataTable, WhenText } from '../common/DataTable';

type Snapshot = MethodOutput<'backup.list'>['snapshots'][number];
type Verify = MethodOutput<'backup.verify'>;

/** The snapshots in the bucket, newest first; each can be downloaded and checked ("Verify"). */
export function SnapshotTable({
  rows,
  loading,
  error,
}: {
  rows: Snapshot[];
  loading: boolean;
  error: RpcError | null;
}) {
  const { t, i18n } = useT();
  const format = useFormat();
  const language = i18n.resolvedLanguage ?? i18n.language;
  const client = useClient();
  const { busy, run } = useBusyAction();
  const [checking, setChecking] = useState<string | null>(null);
  const [verified, setVerified] = useState<Verify | null>(null);

  const verify = async (snapshot: Snapshot) => {
    setVerified(null);
    setChecking(snapshot.id);
    await run(async () => setVerified(await client.call('backup.verify', { snapshot: snapshot.id })));
    setChecking(null);
  };

  const newestFirst = [...rows].sort((a, b) => b.seq - a.seq);
  return (
    <>
      <DataTable
        rows={newestFirst}
        rowKey={(s) => s.id}
        label={t('backup:list.label')}
        empty={t('backup:list.empty')}
        loading={loading}
        error={error}
        minWidth={520}
        columns={[
          { header: t('backup:list.time'), cell: (s) => <WhenText text={format.dateTime(s.time)} /> },
          { header: t('backup:list.seq'), cell: (s) => `#${s.seq}` },
          { header: t('backup:list.size'), cell: (s) => formatBytes(s.size, language) },
          { header: t('backup:list.messages'), cell: (s) => format.number(s.messages) },
          {
            header: <VisuallyHidden>{t('backup:list.actions')}</VisuallyHidden>,
            cell: (s) => (
              <Button
                size="compact-sm"
                variant="subtle"
                leftSection={<IconShieldCheck size={14} aria-hidden />}
                loading={checking === s.id}
                disabled={busy && checking !== s.id}
                onClick={() => void verify(s)}
                aria-label={t('backup:list.verifyLabel', { seq: s.seq })}
              >
                {t('backup:list.verify')}
              </Button>
            ),
          },
        ]}
      />
      {verified && (
        <Alert
          role="status"
          color={verified.ok ? 'teal' : 'red'}
          variant="light"
          title={verified.ok ? undefined : t('backup:list.verifyFailed', { seq: verified.seq })}
        >
          {verified.ok ? (
            <Text size="sm">
              {t('backup:list.verifyOk', { seq: verified.seq, objects: format.number(verified.checkedObjects) })}
            </Text>
          ) : (
            <List size="sm">
              {verified.problems.map((problem) => (
                <List.Item key={problem}>{problem}</List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
    </>
  );
}
