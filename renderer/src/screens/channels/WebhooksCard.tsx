import { Stack, Text } from '@mantine/core';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';
import { AddWebhookForm } from './AddWebhookForm';
import { SecretField } from './SecretField';
import { WebhookRow } from './WebhookRow';

type Channels = MethodOutput<'channels.get'>;

/** Services warned by a signed POST; each has its own secret to verify the signature with. */
export function WebhooksCard({ channels, onChanged }: { channels: Channels; onChanged: () => void }) {
  const { t } = useT();
  return (
    <SectionCard id="webhooks" title={t('channels:webhooks.title')} description={t('channels:webhooks.description')}>
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
      {channels.deliverySigningSecret && (
        <SecretField label={t('channels:webhooks.deliverySecret')} secret={channels.deliverySigningSecret} />
      )}
    </SectionCard>
  );
}
