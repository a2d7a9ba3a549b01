import { Badge, Button, Checkbox, Group, Paper, Stack, Text } from '@mantine/core';
import { IconSend, IconTrash } from '@tabler/icons-react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { ChannelTestResult } from './ChannelTestResult';
import { SecretField } from './SecretField';
import { useChannelTest } from './useChannelTest';

type Webhook = MethodOutput<'channels.get'>['webhooks'][number];

/** One webhook: where it posts, whether it is on the owner's network, its signing secret, a test, and removal. */
export function WebhookRow({ webhook, onRemoved }: { webhook: Webhook; onRemoved: () => void }) {
  const { t } = useT();
  const client = useClient();
  const test = useChannelTest(`webhook:${webhook.name}`);
  const { busy, run } = useBusyAction();
  const remove = async () => {
    await run(async () => {
      await client.call('channels.removeWebhook', { name: webhook.name });
      onRemoved();
    });
  };
  return (
    <Paper withBorder p="sm" radius="md" component="li" style={{ listStyle: 'none' }}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap">
          <Stack gap={0}>
            <Text fw={600} size="sm">
              {webhook.name}
            </Text>
            <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
              {webhook.url}
            </Text>
            {webhook.privateNetworkKept && (
              <Badge size="xs" variant="light" color="yellow" mt={4}>
                {t('channels:webhooks.keptBadge')}
              </Badge>
            )}
          </Stack>
          <Group gap="xs">
            <Button
              size="xs"
              variant="default"
              leftSection={<IconSend size={14} />}
              onClick={test.run}
              loading={test.busy}
              aria-label={t('channels:webhooks.testLabel', { name: webhook.name })}
            >
              {t('channels:webhooks.test')}
            </Button>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={14} />}
              onClick={() => void remove()}
              loading={busy}
              aria-label={t('channels:webhooks.removeLabel', { name: webhook.name })}
            >
              {t('channels:webhooks.remove')}
            </Button>
          </Group>
        </Group>
        <Checkbox
          size="xs"
          label={t('channels:webhooks.ownNetwork')}
          checked={webhook.allowPrivateNetwork}
          disabled={busy}
          onChange={(e) => {
            const allowPrivateNetwork = e.currentTarget.checked;
            void run(async () => {
              await client.call('channels.updateWebhook', { name: webhook.name, allowPrivateNetwork });
              onRemoved();
            });
          }}
        />
        <SecretField label={t('channels:webhooks.secret')} secret={webhook.secret} />
        {test.result && <ChannelTestResult result={test.result} okHint={t('channels:webhooks.testOk')} />}
      </Stack>
    </Paper>
  );
}
