import { Alert, Button, SimpleGrid, Stack, Title } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { CenteredLoader } from '../../app/CenteredLoader';
import { useNow } from '../../hooks/useNow';
import { planName } from '../../labels/plan-labels';
import { ScreenHeader } from '../common/ScreenHeader';
import { AwaitingBanner } from './AwaitingBanner';
import { BackupCard } from './BackupCard';
import { CheckinCard } from './CheckinCard';
import { GettingStarted } from './GettingStarted';
import { HeldAlert } from './HeldAlert';
import { OutboxCard } from './OutboxCard';
import { PlanCard } from './PlanCard';
import { ProblemsAlert } from './ProblemsAlert';
import { RecentActivity } from './RecentActivity';
import { SchedulerCard } from './SchedulerCard';
import { useDashboardStatus } from './useDashboardStatus';

/** Is anyone waiting for an answer, what happens next, and is everything able to go out. */
export default function DashboardScreen() {
  const { t } = useT();
  const status = useDashboardStatus();
  const now = useNow(30_000, status.offsetMs);
  const data = status.data;

  if (!data) {
    if (status.error) {
      return (
        <Alert color="red" title={t('dashboard:loadFailed')}>
          {t(`errors:code.${status.error.code}`)}{' '}
          <Button variant="subtle" size="xs" onClick={status.reload}>
            {t('common:actions.retry')}
          </Button>
        </Alert>
      );
    }
    return <CenteredLoader />;
  }
  const idle = data.plans.every((p) => p.activeMessages === 0);
  return (
    <>
      <AwaitingBanner prompts={status.prompts} now={now} />
      <ScreenHeader title={t('dashboard:title')} description={t('dashboard:description')} />
      <ProblemsAlert problems={data.problems} />
      <HeldAlert held={data.outbox.held} />
      <Stack gap="lg">
        <CheckinCard status={data} now={now} offsetMs={status.offsetMs} />
        {idle && <GettingStarted />}
        <section aria-labelledby="plans-title">
          <Title order={2} size="h4" id="plans-title" mb="sm">
            {t('dashboard:plans.title')}
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {data.plans.map((plan) => (
              <PlanCard key={plan.id} plan={plan} offsetMs={status.offsetMs} />
            ))}
          </SimpleGrid>
        </section>
        <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }}>
          <OutboxCard status={data} now={now} />
          <SchedulerCard status={data} now={now} />
          <BackupCard status={data} now={now} />
        </SimpleGrid>
        <RecentActivity
          refreshKey={status.receivedAt}
          planNames={Object.fromEntries(data.plans.map((p) => [p.id, planName(t, p.name)]))}
        />
      </Stack>
    </>
  );
}
