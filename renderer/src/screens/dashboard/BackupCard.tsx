import { Anchor, Badge, Text } from '@mantine/core';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useRouter } from '../../app/RouterContext';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';

type Status = MethodOutput<'status.get'>;

/** One line on the backups: never, how long ago, or failing since when; the Backup screen says more. */
export function BackupCard({ status, now }: { status: Status; now: number }) {
  const { t } = useT();
  const format = useFormat();
  const { navigate } = useRouter();
  const { configured, lastSuccess, failingSince } = status.backup;
  const failing = configured && failingSince !== null;
  const line = !configured
    ? t('backup:dashboard.notConfigured')
    : failing
      ? t('backup:dashboard.failing', { when: format.ago(failingSince, now) })
      : lastSuccess
        ? t('backup:dashboard.lastBackup', { when: format.ago(lastSuccess.at, now) })
        : t('backup:dashboard.never');
  return (
    <SectionCard
      id="dashboard-backup"
      title={t('backup:dashboard.title')}
      aside={
        <Badge color={!configured ? 'gray' : failing ? 'red' : lastSuccess ? 'teal' : 'orange'} variant="light">
          {!configured
            ? t('backup:health.badgeOff')
            : failing
              ? t('backup:health.badgeFailing')
              : lastSuccess
                ? t('backup:health.badgeOk')
                : t('backup:health.badgeNever')}
        </Badge>
      }
    >
      <Text size="sm" c={failing ? 'red' : undefined} data-testid="last-backup">
        {line}
      </Text>
      <Anchor component="button" type="button" size="sm" ta="left" onClick={() => navigate('backup')}>
        {t('backup:dashboard.open')}
      </Anchor>
    </SectionCard>
  );
}
