import { SimpleGrid, Stack } from '@mantine/core';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useNow } from '../../hooks/useNow';
import { useT } from '../../i18n/useT';
import { ScreenHeader } from '../common/ScreenHeader';
import { ScreenLoading } from '../common/ScreenLoading';
import { BackupNowCard } from './BackupNowCard';
import { ExportCard } from './ExportCard';
import { HealthCard } from './HealthCard';
import { RestoreCard } from './RestoreCard';
import { StandbyCard } from './StandbyCard';
import { TargetCard } from './TargetCard';

/** Where the encrypted backups go, pushing one now, the snapshots, restoring elsewhere, and the age export. */
export default function BackupScreen() {
  const { t } = useT();
  const target = useRpcQuery((c) => c.call('backup.getTarget'));
  const status = useRpcQuery((c) => c.call('status.get'));
  const configured = target.data?.target != null;
  // Only with a target: without one the core answers BACKUP_NOT_CONFIGURED.
  const snapshots = useRpcQuery(
    (c) => (configured ? c.call('backup.list') : Promise.resolve({ snapshots: [] })),
    `${configured}:${target.receivedAt}`,
  );
  const offsetMs = status.data && status.receivedAt !== null ? status.data.now - status.receivedAt : 0;
  const now = useNow(30_000, offsetMs);
  const header = <ScreenHeader title={t('backup:title')} description={t('backup:description')} />;
  if (!target.data || !status.data) {
    return <ScreenLoading header={header} failedTitle={t('backup:loadFailed')} queries={[target, status]} />;
  }
  const stored = target.data.target;
  const changed = () => {
    target.reload();
    status.reload();
  };
  return (
    <>
      {header}
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <HealthCard health={status.data.backup} now={now} />
          {stored && <RestoreCard target={stored} />}
        </SimpleGrid>
        <TargetCard target={stored} onChanged={changed} />
        <BackupNowCard
          configured={configured}
          snapshots={{ rows: snapshots.data?.snapshots ?? [], loading: snapshots.loading, error: snapshots.error }}
          onPushed={() => {
            snapshots.reload();
            status.reload();
          }}
        />
        <StandbyCard configured={configured} now={now} />
        <ExportCard />
      </Stack>
    </>
  );
}
