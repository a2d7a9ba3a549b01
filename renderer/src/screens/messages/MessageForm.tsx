import { Button, Card, Divider, Group, Skeleton, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy, IconEye } from '@tabler/icons-react';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useNotifyError } from '../../hooks/useNotifyError';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { AttachmentsField } from './AttachmentsField';
import { joinDelay, splitDelay, type Delay } from './delay';
import { DeleteMessageButton } from './DeleteMessageButton';
import { EmailPreview } from './EmailPreview';
import { htmlForBody } from './message-html';
import { PlanDelayFields } from './PlanDelayFields';
import { RecipientsPicker } from './RecipientsPicker';
import type { BodyChange } from './RichBody';
import { StatusField } from './StatusField';
import { TestSendButton } from './TestSendButton';
import { useUploads } from './useUploads';
import type { MessageStatus } from './status-labels';

/** The editor (Tiptap and ProseMirror) is its own chunk: the list is usable before it arrives. */
const RichBody = lazy(() => import('./RichBody'));

type Detail = MethodOutput<'messages.get'>;
type Recipient = MethodOutput<'recipients.list'>[number];
type Plan = MethodOutput<'plans.list'>[number];

interface FormState {
  title: string;
  body: BodyChange;
  recipientIds: string[];
  planId: string | null;
  delay: Delay;
  status: MessageStatus;
  removeAttachmentIds: string[];
}

function initialState(detail: Detail | null): FormState {
  return {
    title: detail?.title ?? '',
    body: { html: htmlForBody(detail?.body ?? '', detail?.bodyHtml ?? null), text: detail?.body ?? '' },
    recipientIds: detail?.recipients.map((r) => r.id) ?? [],
    planId: detail?.planId ?? null,
    delay: splitDelay(detail?.deliveryDelayMs ?? 0),
    status: detail?.status ?? 'active',
    removeAttachmentIds: [],
  };
}

/** One message's fields, its save, test, preview and delete. Mounted afresh for each message. */
export function MessageForm({ detail, recipients, plans, onSaved, onDeleted }: { detail: Detail | null; recipients: Recipient[]; plans: Plan[]; onSaved(id: string): void; onDeleted(): void }) {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const uploads = useUploads(notifyError);
  const [initial] = useState(() => initialState(detail));
  const [form, setForm] = useState(initial);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [previewOpen, setPreviewOpen] = useState(false);

  const update = (change: Partial<FormState>) => {
    setForm((f) => ({ ...f, ...change }));
    setDirty(true);
  };

  const keptAttachments = (detail?.attachments ?? []).filter((a) => !form.removeAttachmentIds.includes(a.id));
  const newUploads = uploads.doneIds();
  const changed = dirty || newUploads.length > 0;

  const save = async () => {
    setSaving(true);
    const fields = { title: form.title, body: form.body.text, bodyHtml: form.body.html || null, recipientIds: form.recipientIds, planId: form.planId, deliveryDelayMs: joinDelay(form.delay) };
    const status = form.status === 'sent' ? undefined : form.status;
    try {
      const { id } = detail
        ? await client.call('messages.update', {
            id: detail.id,
            ...fields,
            ...(status ? { status } : {}),
            ...(newUploads.length ? { addUploadIds: newUploads } : {}),
            ...(form.removeAttachmentIds.length ? { removeAttachmentIds: form.removeAttachmentIds } : {}),
          })
        : await client.call('messages.create', { ...fields, status: status ?? 'active', uploadIds: newUploads });
      uploads.clearDone();
      setDirty(false);
      notifications.show({ color: 'teal', message: t('messages:editor.saved') });
      onSaved(id);
    } catch (error) {
      notifyError(error);
    } finally {
      setSaving(false);
    }
  };

  const byId = useMemo(() => new Map([...(detail?.recipients ?? []), ...recipients].map((r) => [r.id, r])), [detail, recipients]);
  const preview = {
    title: form.title,
    text: form.body.text,
    html: form.body.html,
    to: form.recipientIds.map((id) => byId.get(id)).filter((r) => r !== undefined).map((r) => (r.name ? `${r.name} <${r.contact}>` : r.contact)),
    attachments: [...keptAttachments, ...uploads.uploads.filter((u) => u.state !== 'failed')],
  };

  const testBlocked = !detail ? t('messages:test.saveFirst') : changed ? t('messages:test.saveChanges') : null;

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label={detail ? t('messages:editor.editLabel') : t('messages:editor.newLabel')}>
      <Stack gap="md">
        <TextInput label={t('messages:editor.title')} description={t('messages:editor.titleHint')} value={form.title} maxLength={1000} onChange={(e) => update({ title: e.currentTarget.value })} data-autofocus />
        <Suspense fallback={<Skeleton height={300} radius="md" />}>
          <RichBody initialHtml={initial.body.html} onChange={(body) => update({ body })} />
        </Suspense>
        <RecipientsPicker recipients={recipients} known={detail?.recipients ?? []} value={form.recipientIds} onChange={(recipientIds) => update({ recipientIds })} />
        <PlanDelayFields plans={plans} planId={form.planId} delay={form.delay} onPlan={(planId) => update({ planId })} onDelay={(delay) => update({ delay })} />
        <StatusField value={form.status} onChange={(status) => update({ status })} />
        <AttachmentsField messageId={detail?.id ?? null} attachments={keptAttachments} uploads={uploads} onRemove={(id) => update({ removeAttachmentIds: [...form.removeAttachmentIds, id] })} />
        <Divider />
        <Group justify="space-between" align="flex-start">
          <Group>
            <Button leftSection={<IconDeviceFloppy size={16} aria-hidden />} loading={saving} disabled={uploads.busy || (!!detail && !changed)} onClick={() => void save()}>
              {detail ? t('messages:editor.save') : t('messages:editor.create')}
            </Button>
            <Button variant="default" leftSection={<IconEye size={16} aria-hidden />} onClick={() => setPreviewOpen(true)}>
              {t('messages:preview.button')}
            </Button>
            {detail && <DeleteMessageButton messageId={detail.id} title={detail.title} onDeleted={onDeleted} />}
          </Group>
          <TestSendButton messageId={detail?.id ?? null} disabledReason={testBlocked} />
        </Group>
      </Stack>
      <EmailPreview opened={previewOpen} onClose={() => setPreviewOpen(false)} content={preview} />
    </Card>
  );
}
