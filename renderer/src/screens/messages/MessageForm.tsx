import { Button, Card, Divider, Group, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy, IconEye } from '@tabler/icons-react';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { LIMITS } from '../../../../shared/validation.js';
import { useClient } from '../../client/ClientProvider';
import { useErrorToasts } from '../../hooks/useErrorToasts';
import { useLeaveGuard } from '../../hooks/useLeaveGuard';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { AttachmentsField } from './AttachmentsField';
import { joinDelay } from './delay';
import { DeleteMessageButton } from './DeleteMessageButton';
import { EmailPreview } from './EmailPreview';
import { fromDraft, initialState, toDraft, type FormState } from './message-form-state';
import { PlanDelayFields } from './PlanDelayFields';
import { RecipientsPicker } from './RecipientsPicker';
import { RestoreDraftModal } from './RestoreDraftModal';
import { StatusField } from './StatusField';
import { TestSendButton } from './TestSendButton';
import { useMessageDraft } from './useMessageDraft';
import { useUploads } from './useUploads';

/** The editor (Tiptap and ProseMirror) is its own chunk: the list is usable before it arrives. */
const RichBody = lazy(() => import('./RichBody'));

type Detail = MethodOutput<'messages.get'>;
type Recipient = MethodOutput<'recipients.list'>[number];
type Plan = MethodOutput<'plans.list'>[number];

/**
 * One message's fields, its save, test, preview and delete. Mounted afresh for each message.
 * Unsaved changes are kept as an encrypted draft and guarded against leaving the screen.
 */
export function MessageForm({
  detail,
  recipients,
  plans,
  onSaved,
  onDeleted,
}: {
  detail: Detail | null;
  recipients: Recipient[];
  plans: Plan[];
  onSaved(id: string): void;
  onDeleted(): void;
}) {
  const { t } = useT();
  const format = useFormat();
  const client = useClient();
  const toasts = useErrorToasts();
  const uploads = useUploads(toasts.notify);
  const [initial] = useState(() => initialState(detail));
  const [form, setForm] = useState(initial);
  const [body, setBody] = useState({ key: 0, html: initial.body.html });
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  const [previewOpen, setPreviewOpen] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);

  const update = (change: Partial<FormState>) => {
    setForm((f) => ({ ...f, ...change }));
    setDirty(true);
  };

  const newUploads = uploads.doneIds();
  const changed = dirty || newUploads.length > 0;
  const asDraft = useMemo(() => toDraft(form), [form]);
  const draft = useMessageDraft(
    detail?.id ?? null,
    asDraft,
    dirty,
    (saved) => JSON.stringify(saved) === JSON.stringify(toDraft(initial)),
  );
  const guard = useLeaveGuard(changed, { discard: () => void draft.discard(), flush: draft.flush });

  useEffect(() => {
    if (!detail) titleRef.current?.focus();
  }, [detail]);

  const restore = (choice: boolean) => {
    if (choice && draft.offer) {
      const next = fromDraft(draft.offer.draft, detail, {
        recipientIds: new Set(recipients.map((r) => r.id)),
        planIds: new Set(plans.map((p) => p.id)),
      });
      setForm(next);
      setBody((b) => ({ key: b.key + 1, html: next.body.html }));
      setDirty(true);
    }
    draft.settle(choice);
  };

  const titleLength = form.title.trim().length;
  const titleError =
    titleLength > LIMITS.titleMax
      ? t('messages:editor.titleTooLong', { length: titleLength, max: LIMITS.titleMax })
      : showErrors && titleLength === 0
        ? t('messages:editor.titleRequired')
        : undefined;
  const kept = dirty ? draft.kept : null;
  const keptNote =
    kept === 'failed'
      ? t('messages:editor.keepFailed')
      : kept
        ? t('messages:editor.kept', { time: format.dateTime(kept.at) })
        : null;
  const keptAttachments = (detail?.attachments ?? []).filter((a) => !form.removeAttachmentIds.includes(a.id));

  const save = async () => {
    setShowErrors(true);
    if (titleLength === 0 || titleLength > LIMITS.titleMax) {
      titleRef.current?.focus();
      return;
    }
    setSaving(true);
    const fields = {
      title: form.title,
      body: form.body.text,
      bodyHtml: form.body.html || null,
      recipientIds: form.recipientIds,
      planId: form.planId,
      deliveryDelayMs: joinDelay(form.delay),
    };
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
      // Gone before the editor opens the saved message again (and asks for a draft).
      await draft.discard();
      guard.release();
      setDirty(false);
      toasts.clear();
      notifications.show({ color: 'teal', message: t('messages:editor.saved') });
      onSaved(id);
    } catch (error) {
      toasts.notify(error);
    } finally {
      setSaving(false);
    }
  };

  const byId = useMemo(
    () => new Map([...(detail?.recipients ?? []), ...recipients].map((r) => [r.id, r])),
    [detail, recipients],
  );
  const preview = {
    title: form.title,
    text: form.body.text,
    html: form.body.html,
    to: form.recipientIds
      .map((id) => byId.get(id))
      .filter((r) => r !== undefined)
      .map((r) => (r.name ? `${r.name} <${r.contact}>` : r.contact)),
    attachments: [...keptAttachments, ...uploads.uploads.filter((u) => u.state !== 'failed')],
  };

  const testBlocked = !detail ? t('messages:test.saveFirst') : changed ? t('messages:test.saveChanges') : null;

  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      component="section"
      aria-label={detail ? t('messages:editor.editLabel') : t('messages:editor.newLabel')}
    >
      <Stack gap="md">
        <TextInput
          ref={titleRef}
          label={t('messages:editor.title')}
          description={`${t('messages:editor.titleHint')} ${t('messages:editor.titleCount', { length: titleLength, max: LIMITS.titleMax })}`}
          required
          value={form.title}
          error={titleError}
          onChange={(e) => update({ title: e.currentTarget.value })}
        />
        <Suspense fallback={<Skeleton height={300} radius="md" />}>
          <RichBody key={body.key} initialHtml={body.html} onChange={(change) => update({ body: change })} />
        </Suspense>
        <RecipientsPicker
          recipients={recipients}
          known={detail?.recipients ?? []}
          value={form.recipientIds}
          onChange={(recipientIds) => update({ recipientIds })}
        />
        <PlanDelayFields
          plans={plans}
          planId={form.planId}
          delay={form.delay}
          onPlan={(planId) => update({ planId })}
          onDelay={(delay) => update({ delay })}
        />
        <StatusField value={form.status} onChange={(status) => update({ status })} />
        <AttachmentsField
          messageId={detail?.id ?? null}
          attachments={keptAttachments}
          uploads={uploads}
          onRemove={(id) => update({ removeAttachmentIds: [...form.removeAttachmentIds, id] })}
        />
        <Divider />
        <Group justify="space-between" align="flex-start">
          <Group>
            <Button
              leftSection={<IconDeviceFloppy size={16} aria-hidden />}
              loading={saving}
              disabled={uploads.busy || (!!detail && !changed)}
              onClick={() => void save()}
            >
              {detail ? t('messages:editor.save') : t('messages:editor.create')}
            </Button>
            <Button
              variant="default"
              leftSection={<IconEye size={16} aria-hidden />}
              onClick={() => setPreviewOpen(true)}
            >
              {t('messages:preview.button')}
            </Button>
            {detail && (
              <DeleteMessageButton
                messageId={detail.id}
                title={detail.title}
                onDeleted={() => {
                  // Deleted on purpose, unsaved changes and draft with it: nothing left to ask about.
                  void draft.discard();
                  guard.release();
                  onDeleted();
                }}
              />
            )}
          </Group>
          <TestSendButton messageId={detail?.id ?? null} disabledReason={testBlocked} />
        </Group>
        <Text size="xs" c={draft.kept === 'failed' ? 'red' : 'dimmed'} aria-live="polite" mih={18}>
          {keptNote}
        </Text>
      </Stack>
      <EmailPreview opened={previewOpen} onClose={() => setPreviewOpen(false)} content={preview} />
      <RestoreDraftModal savedAt={draft.offer?.savedAt ?? null} isNew={!detail} onChoose={restore} />
    </Card>
  );
}
