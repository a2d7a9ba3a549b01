import { Card, Stack, Text, Title } from '@mantine/core';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useT } from '../../i18n/useT';
import { AddWebhookForm } from './AddWebhookForm';
import { SecretField } from './SecretField';
import { WebhookRow } from './WebhookRow';

type Channels = MethodOutput<'channels.get'>;

/** Services warned by a signed POST; each has its own secret to verify the signature with. */
export function WebhooksCard({ channels, onChanged }: { channels: Channels; onChanged: () => void }) {
  const { t } = useT();
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="webhooks-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="webhooks-title">
          {t('channels:webhooks.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('channels:webhooks.description')}
        </Text>
        {channels.webhooks.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('channels:webhooks.empty')}
          </Text>
        ) : (
          <Stack gap="xs" component="ul" p={0} m={0} aria-label={t('channels:webhooks.listLabel')}>
            {channels.webhooks.map((w) => (
              <WebhookRow key={w.id} webhook={w} onRemoved={onChanged} />
            ))}
          </Stack>
        )}
        <AddWebhookForm existing={channels.webhooks.map((w) => w.name)} onAdded={onChanged} />
        {channels.deliverySigningSecret && <SecretField label={t('channels:webhooks.deliverySecret')} secret={channels.deliverySigningSecret} />}
      </Stack>
    </Card>
  );
}
