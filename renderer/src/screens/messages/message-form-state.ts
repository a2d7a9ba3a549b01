import type { MethodInput, MethodOutput } from '../../../../shared/contract/methods.js';
import { joinDelay, splitDelay, type Delay } from './delay';
import { htmlForBody } from './message-html';
import type { BodyChange } from './RichBody';
import type { MessageStatus } from './status-labels';

type Detail = MethodOutput<'messages.get'>;
export type MessageDraft = MethodInput<'drafts.save'>['draft'];

/** What the message editor holds: the message as it will be saved. */
export interface FormState {
  title: string;
  body: BodyChange;
  recipientIds: string[];
  planId: string | null;
  delay: Delay;
  status: MessageStatus;
  removeAttachmentIds: string[];
}

export function initialState(detail: Detail | null): FormState {
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

export function toDraft(form: FormState): MessageDraft {
  return {
    title: form.title,
    body: form.body.text,
    bodyHtml: form.body.html || null,
    recipientIds: form.recipientIds,
    planId: form.planId,
    deliveryDelayMs: joinDelay(form.delay),
    status: form.status,
    removeAttachmentIds: form.removeAttachmentIds,
  };
}

/**
 * A saved draft back into the editor, without what no longer exists: recipients deleted since,
 * a plan deleted since (the default plan then), attachments already gone. A message sent in
 * the meantime stays sent.
 */
export function fromDraft(
  draft: MessageDraft,
  detail: Detail | null,
  known: { recipientIds: Set<string>; planIds: Set<string> },
): FormState {
  const attachmentIds = new Set(detail?.attachments.map((a) => a.id) ?? []);
  return {
    title: draft.title,
    body: { html: htmlForBody(draft.body, draft.bodyHtml ?? null), text: draft.body },
    recipientIds: (draft.recipientIds ?? []).filter((id) => known.recipientIds.has(id)),
    planId: draft.planId && known.planIds.has(draft.planId) ? draft.planId : null,
    delay: splitDelay(draft.deliveryDelayMs ?? 0),
    status: detail?.status === 'sent' ? 'sent' : (draft.status ?? 'active'),
    removeAttachmentIds: (draft.removeAttachmentIds ?? []).filter((id) => attachmentIds.has(id)),
  };
}
