import { Anchor, List, Text } from '@mantine/core';
import { hashFor } from '../../app/useHashRoute';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';

/** When the plan ends: each message it delivers (a link to it) and who receives it. */
export function PlanDeliveries({ planId, refreshKey }: { planId: string; refreshKey?: unknown }) {
  const { t } = useT();
  const format = useFormat();
  const deliveries = useRpcQuery(
    (client) => client.call('plans.deliveries', { id: planId }),
    `${planId}:${String(refreshKey)}`,
  );
  const messages = deliveries.data?.messages;
  if (!messages) return null;
  return (
    <div data-testid="plan-deliveries">
      <Text size="xs" fw={600}>
        {t('plans:deliveries.title')}
      </Text>
      {messages.length === 0 ? (
        <Text size="xs" c="dimmed">
          {t('plans:deliveries.none')}
        </Text>
      ) : (
        <List size="xs" spacing={2}>
          {messages.map((m) => (
            <List.Item key={m.id}>
              <Anchor href={hashFor('messages', m.id)} size="xs" underline="always">
                {m.title.trim() || t('plans:deliveries.untitled')}
              </Anchor>{' '}
              {t('plans:deliveries.to', { recipients: format.list(m.recipients.map((r) => r.name || r.contact)) })}
              {m.deliveryDelayMs > 0 &&
                ` ${t('plans:deliveries.delay', { duration: format.duration(m.deliveryDelayMs, 2) })}`}
            </List.Item>
          ))}
        </List>
      )}
    </div>
  );
}
