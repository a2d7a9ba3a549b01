import { Alert, Button, Group, Modal, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { DataTable, WhenText } from '../common/DataTable';
import { SectionCard } from '../common/SectionCard';
import { AddStandbyForm } from './AddStandbyForm';

type Standby = MethodOutput<'standby.list'>['standbys'][number];

/** Backup → Standby: the paired standby machines with their last sign of life, pairing and removing. */
export function StandbyCard({ configured, now }: { configured: boolean; now: number }) {
  const { t } = useT();
  const format = useFormat();
  const client = useClient();
  const listing = useRpcQuery((c) => c.call('standby.list'));
  const remove = useBusyAction();
  const [removing, setRemoving] = useState<string | null>(null);
  const rows = listing.data?.standbys ?? [];
  const bucketError = listing.data?.bucketError ?? null;

  const lastSeen = (s: Standby) =>
    s.lastSeen !== null ? (
      <WhenText text={format.ago(s.lastSeen, now)} />
    ) : bucketError ? (
      t('backup:standby.unknown')
    ) : (
      t('backup:standby.never')
    );

  const confirmRemove = async () => {
    const name = removing!;
    const removed = await remove.run(() => client.call('standby.remove', { name }));
    setRemoving(null);
    if (!removed) return;
    notifications.show({ color: 'teal', message: t('backup:standby.removed', { name }) });
    listing.reload();
  };

  return (
    <SectionCard id="backup-standby" title={t('backup:standby.title')} description={t('backup:standby.description')}>
      {bucketError && (
        <Alert color="yellow" variant="light" role="status">
          {t('backup:standby.bucketError', { message: bucketError })}
        </Alert>
      )}
      <DataTable
        rows={rows}
        rowKey={(s) => s.name}
        label={t('backup:standby.label')}
        empty={t('backup:standby.empty')}
        loading={listing.loading}
        error={listing.error}
        minWidth={560}
        columns={[
          { header: t('backup:standby.name'), cell: (s) => s.name },
          { header: t('backup:standby.fingerprint'), cell: (s) => <Text ff="monospace">{s.fingerprint}</Text> },
          { header: t('backup:standby.addedAt'), cell: (s) => <WhenText text={format.dateTime(s.addedAt)} /> },
          { header: t('backup:standby.lastSeen'), cell: lastSeen },
          {
            header: <VisuallyHidden>{t('backup:standby.actions')}</VisuallyHidden>,
            cell: (s) => (
              <Button
                size="compact-sm"
                variant="subtle"
                color="red"
                leftSection={<IconTrash size={14} aria-hidden />}
                onClick={() => setRemoving(s.name)}
                aria-label={t('backup:standby.removeLabel', { name: s.name })}
              >
                {t('backup:standby.remove')}
              </Button>
            ),
          },
        ]}
      />
      {configured ? (
        <AddStandbyForm paired={rows} onAdded={listing.reload} />
      ) : (
        <Text size="sm" c="dimmed">
          {t('backup:standby.needsTarget')}
        </Text>
      )}
      <Modal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('backup:standby.removeTitle', { name: removing ?? '' })}
        closeButtonProps={{ 'aria-label': t('backup:standby.cancel') }}
      >
        <Text size="sm" mb="md">
          {t('backup:standby.removeBody')}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setRemoving(null)}>
            {t('backup:standby.cancel')}
          </Button>
          <Button color="red" loading={remove.busy} onClick={() => void confirmRemove()}>
            {t('backup:standby.removeConfirm')}
          </Button>
        </Group>
      </Modal>
    </SectionCard>
  );
}
