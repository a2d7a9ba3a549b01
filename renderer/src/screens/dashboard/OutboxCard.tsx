import { Badge, List, SimpleGrid, Stack, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { channelLabel } from '../../labels/plan-labels';
import { deliveryErrorText } from '../../labels/delivery-labels';
import { outboxKindLabel } from '../../labels/outbox-labels';
import { useFormat } from '../../i18n/useFormat';
import { SectionCard } from '../common/SectionCard';

type Status = MethodOutput<'status.get'>;

function Stat({ label, value, color }: { label: string; value: string; color?: string }) {
  return (
    <Stack gap={0}>
      <Text size="xl" fw={700} c={color}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </Stack>
  );
}

/** Everything Afterword has to send: how much waits, what went, and what failed and why. */
export function OutboxCard({ status, now }: { status: Status; now: number }) {
  const { t } = useT();
  const format = useFormat();
  const { outbox, failures } = status;
  const healthy = outbox.failed === 0;
  const lastTest = status.tests.last;
  return (
    <SectionCard
      id="outbox"
      title={t('dashboard:outbox.title')}
      aside={
        <Badge color={healthy ? 'teal' : 'red'} variant="light">
          {healthy ? t('dashboard:outbox.healthy') : t('dashboard:outbox.unhealthy')}
        </Badge>
      }
    >
      <SimpleGrid cols={3}>
        <Stat label={t('dashboard:outbox.pending')} value={format.number(outbox.pending + outbox.sending)} />
        <Stat label={t('dashboard:outbox.sent')} value={format.number(outbox.sent)} />
        <Stat
          label={t('dashboard:outbox.failed')}
          value={format.number(outbox.failed)}
          color={healthy ? undefined : 'red'}
        />
      </SimpleGrid>
      <Text size="sm" c="dimmed" data-testid="test-sends">
        {t('dashboard:outbox.testsSummary', {
          passed: format.number(status.tests.passed),
          failed: format.number(status.tests.failed),
        })}
        {lastTest?.ok === true && ` ${t('dashboard:outbox.lastTestOk', { when: format.ago(lastTest.at, now) })}`}
        {lastTest?.ok === false && ` ${t('dashboard:outbox.lastTestFailed', { when: format.ago(lastTest.at, now) })}`}
      </Text>
      {failures.length > 0 ? (
        <List size="sm" spacing={6} aria-label={t('dashboard:outbox.failuresLabel')}>
          {failures.map((f) => (
            <List.Item key={f.id}>
              <Text size="sm" fw={600} span>
                {t('dashboard:outbox.failure', {
                  kind: outboxKindLabel(t, f.kind),
                  channel: channelLabel(t, f.channel),
                })}
              </Text>{' '}
              <Text size="xs" c="dimmed" span>
                {format.ago(f.at, now)}
              </Text>
              <Text size="sm" c="red">
                {deliveryErrorText(t, f.error) ?? f.error ?? t('dashboard:outbox.noReason')}
              </Text>
              {f.error && deliveryErrorText(t, f.error) && (
                <Text size="xs" c="dimmed">
                  {t('errors:detail', { detail: f.error })}
                </Text>
              )}
            </List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm" c="dimmed">
          {outbox.pending + outbox.sending > 0 ? t('dashboard:outbox.sending') : t('dashboard:outbox.nothingFailed')}
        </Text>
      )}
    </SectionCard>
  );
}
