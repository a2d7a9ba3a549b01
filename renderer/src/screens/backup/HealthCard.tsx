import { Badge, Code, Stack, Text } from '@mantine/core';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';

export type BackupHealth = MethodOutput<'status.get'>['backup'];

/** Automatic backups: the last one that worked, since when they fail and why, and the next push. */
export function HealthCard({ health, now }: { health: BackupHealth; now: number }) {
  const { t } = useT();
  const format = useFormat();
  const { configured, lastSuccess, failingSince, lastError, nextAt } = health;
  const badge = !configured
    ? { color: 'gray', text: t('backup:health.badgeOff') }
    : failingSince !== null
      ? { color: 'red', text: t('backup:health.badgeFailing') }
      : lastSuccess
        ? { color: 'teal', text: t('backup:health.badgeOk') }
        : { color: 'orange', text: t('backup:health.badgeNever') };
  return (
    <SectionCard
      id="backup-health"
      title={t('backup:health.title')}
      description={t('backup:health.description')}
      aside={
        <Badge color={badge.color} variant="light">
          {badge.text}
        </Badge>
      }
    >
      <Stack gap={6}>
        {!configured && <Text size="sm">{t('backup:health.notConfigured')}</Text>}
        <Text size="sm" data-testid="backup-last-success">
          {lastSuccess
            ? t('backup:health.lastSuccess', {
                when: format.ago(lastSuccess.at, now),
                date: format.dateTime(lastSuccess.at),
                seq: lastSuccess.seq,
              })
            : t('backup:health.never')}
        </Text>
        {failingSince !== null && (
          <Text size="sm" c="red">
            {t('backup:health.failingSince', {
              date: format.dateTime(failingSince),
              when: format.ago(failingSince, now),
            })}
          </Text>
        )}
        {lastError && (
          <Text size="xs" c="dimmed">
            {t('backup:health.lastError')} <Code style={{ wordBreak: 'break-all' }}>{lastError}</Code>
          </Text>
        )}
        {configured && nextAt !== null && (
          <Text size="sm" c="dimmed">
            {t('backup:health.nextAt', { when: format.relative(nextAt, now), date: format.dateTime(nextAt) })}
          </Text>
        )}
      </Stack>
    </SectionCard>
  );
}
