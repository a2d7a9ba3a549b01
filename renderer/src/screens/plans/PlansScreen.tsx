import { Button, SimpleGrid, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useConfirmLeave } from '../../hooks/useConfirmLeave';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';
import type { ChannelSetup } from '../../../../shared/level-readiness.js';
import { LoadFailedAlert } from '../common/LoadFailedAlert';
import { ScreenHeader } from '../common/ScreenHeader';
import { DeletePlanModal } from './DeletePlanModal';
import { PlanCard } from './PlanCard';
import { PlanEditor } from './PlanEditor';
import type { Plan } from './plan-draft';

/** How often Afterword asks about you, and what happens, step by step, when you do not answer. */
export default function PlansScreen() {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const confirmLeave = useConfirmLeave();
  const edit = (plan: Plan | null) => confirmLeave(() => setEditing({ plan, key: Date.now() }));
  const plans = useRpcQuery((c) => c.call('plans.list'));
  const channels = useRpcQuery((c) => c.call('channels.get'));
  const settings = useRpcQuery((c) => c.call('settings.get'));
  const [editing, setEditing] = useState<{ plan: Plan | null; key: number } | null>(null);
  const [deleting, setDeleting] = useState<Plan | null>(null);
  const list = plans.data ?? [];
  const setup: ChannelSetup | null =
    channels.data && settings.data
      ? {
          webhookNames: channels.data.webhooks.map((w) => w.name),
          smtpConfigured: channels.data.smtp !== null,
          ownerEmailSet: Boolean(settings.data.owner?.email),
        }
      : null;

  const makeDefault = (plan: Plan) =>
    void run(async () => {
      await client.call('plans.update', { id: plan.id, isDefault: true });
      plans.reload();
    });

  const remove = async () => {
    if (!deleting) return;
    await run(
      async () => {
        await client.call('plans.delete', { id: deleting.id });
        if (editing?.plan?.id === deleting.id) setEditing(null);
        plans.reload();
      },
      {
        CONFLICT: () =>
          notifications.show({
            color: 'orange',
            title: t('plans:delete.inUseTitle'),
            message: t('plans:delete.inUse'),
            autoClose: 12_000,
          }),
      },
    );
    setDeleting(null);
  };

  return (
    <>
      <ScreenHeader
        title={t('plans:title')}
        description={t('plans:description')}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => edit(null)}>
            {t('plans:list.new')}
          </Button>
        }
      />
      <Stack gap="lg">
        {!plans.data && <LoadFailedAlert title={t('plans:loadFailed')} queries={[plans]} />}
        {editing && (
          <PlanEditor
            key={editing.key}
            plan={editing.plan}
            isFirst={list.length === 0}
            setup={setup}
            onCancel={() => setEditing(null)}
            onSaved={(plan) => {
              notifications.show({ color: 'teal', message: t('plans:editor.saved', { name: plan.name }) });
              setEditing(null);
              plans.reload();
            }}
          />
        )}
        {list.length === 0 && !plans.loading ? (
          <Text c="dimmed">{t('plans:list.empty')}</Text>
        ) : (
          <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} component="section" aria-label={t('plans:list.label')}>
            {list.map((plan) => (
              <PlanCard
                key={plan.id}
                plan={plan}
                setup={setup}
                refreshKey={plans.receivedAt}
                onEdit={() => edit(plan)}
                onMakeDefault={() => makeDefault(plan)}
                onDelete={() => setDeleting(plan)}
              />
            ))}
          </SimpleGrid>
        )}
      </Stack>
      <DeletePlanModal plan={deleting} busy={busy} onConfirm={() => void remove()} onClose={() => setDeleting(null)} />
    </>
  );
}
