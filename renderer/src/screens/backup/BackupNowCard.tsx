import { Alert, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { IconCloudUpload } from '@tabler/icons-react';
import { useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient, useEvents } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { formatBytes } from '../messages/bytes';
import { SectionCard } from '../common/SectionCard';
import { SnapshotTable } from './SnapshotTable';

type Snapshot = MethodOutput<'backup.list'>['snapshots'][number];
type Push = MethodOutput<'backup.now'>;
interface Progress {
  objectsUploaded: number;
  bytesUploaded: number;
  bytesSkipped: number;
}

/**
 * "Back up now", its progress (objects and bytes from `backup.progress`; the bar measures against
 * the last snapshot's size, the best guess of the total), its summary, and the snapshots.
 */
export function BackupNowCard({
  configured,
  snapshots,
  onPushed,
}: {
  configured: boolean;
  snapshots: { rows: Snapshot[]; loading: boolean; error: Parameters<typeof SnapshotTable>[0]['error'] };
  onPushed: () => void;
}) {
  const { t, i18n } = useT();
  const format = useFormat();
  const language = i18n.resolvedLanguage ?? i18n.language;
  const client = useClient();
  const { busy, run } = useBusyAction();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [summary, setSummary] = useState<Push | null>(null);
  const bytes = (n: number) => formatBytes(n, language);

  useEvents((message) => {
    if (busy && message.event === 'backup.progress') setProgress(message.payload);
  });

  const push = async () => {
    setSummary(null);
    setProgress({ objectsUploaded: 0, bytesUploaded: 0, bytesSkipped: 0 });
    await run(async () => setSummary(await client.call('backup.now', {})));
    setProgress(null);
    onPushed();
  };

  const previousSize = snapshots.rows[0]?.size ?? 0;
  const done = progress ? progress.bytesUploaded + progress.bytesSkipped : 0;
  const percent = previousSize > 0 ? Math.min(99, (100 * done) / previousSize) : 100;

  return (
    <SectionCard
      id="backup-now"
      title={t('backup:now.title')}
      description={t('backup:now.description')}
      aside={
        <Button
          leftSection={<IconCloudUpload size={16} aria-hidden />}
          loading={busy}
          disabled={!configured}
          onClick={() => void push()}
        >
          {t('backup:now.button')}
        </Button>
      }
    >
      {!configured && (
        <Text size="sm" c="dimmed">
          {t('backup:now.needsTarget')}
        </Text>
      )}
      {busy && progress && (
        <Stack gap={4}>
          <Progress value={percent} animated striped={previousSize === 0} aria-label={t('backup:now.progressLabel')} />
          <Text size="sm" aria-live="polite">
            {t('backup:now.running')}{' '}
            {t('backup:now.progress', {
              objects: format.number(progress.objectsUploaded),
              uploaded: bytes(progress.bytesUploaded),
              skipped: bytes(progress.bytesSkipped),
            })}
          </Text>
        </Stack>
      )}
      {summary && (
        <Alert color="teal" variant="light" role="status">
          {t('backup:now.done', {
            seq: summary.seq,
            objects: format.number(summary.objectsUploaded),
            uploaded: bytes(summary.bytesUploaded),
            skipped: bytes(summary.bytesSkipped),
          })}
        </Alert>
      )}
      <Group>
        <Text fw={600} size="sm" id="backup-snapshots-title">
          {t('backup:list.title')}
        </Text>
      </Group>
      <SnapshotTable rows={snapshots.rows} loading={snapshots.loading} error={snapshots.error} />
    </SectionCard>
  );
}
