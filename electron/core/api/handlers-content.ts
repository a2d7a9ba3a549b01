import { BadRequestError } from '../errors.js';
import type { AppCore } from './app-core.js';
import type { HandlerGroup } from './handlers.js';
import { ATTACHMENT_CHUNK_BYTES } from '../../../shared/contract/methods.js';
import { BLOB_CHUNK_BYTES } from '../crypto/blob-format.js';
import { readBlobChunks } from '../crypto/blob-range.js';
import { simulate, INITIAL_RUNTIME } from '../schedule/plan-machine.js';
import { PlanStore } from '../schedule/plan-store.js';
import type { PlanLevel, Channel } from '../../../shared/plans.js';
import type { MethodOutput } from '../../../shared/contract/methods.js';

type ContentMethods =
  | 'messages.list'
  | 'messages.get'
  | 'messages.create'
  | 'messages.update'
  | 'messages.delete'
  | 'drafts.get'
  | 'drafts.save'
  | 'drafts.discard'
  | 'attachments.uploadBegin'
  | 'attachments.uploadChunk'
  | 'attachments.uploadFinish'
  | 'attachments.uploadCancel'
  | 'attachments.download'
  | 'recipients.list'
  | 'recipients.create'
  | 'recipients.update'
  | 'recipients.delete'
  | 'plans.list'
  | 'plans.get'
  | 'plans.create'
  | 'plans.update'
  | 'plans.delete'
  | 'plans.simulate'
  | 'plans.deliveries';

const done = { ok: true } as const;
const levels = (input: { waitMs: number; channels: string[] }[]): PlanLevel[] =>
  input.map((l) => ({ waitMs: l.waitMs, channels: l.channels as Channel[] }));

/** Attaching uploads: if the message cannot be saved, the uploads stay available to retry. */
function withUploads<T>(
  app: AppCore,
  uploadIds: readonly string[],
  save: (staged: ReturnType<AppCore['uploads']['take']>) => T,
): T {
  const staged = app.uploads.take(uploadIds);
  try {
    return save(staged);
  } catch (error) {
    app.uploads.restore(staged, uploadIds);
    throw error;
  }
}

export const contentHandlers: HandlerGroup<ContentMethods> = {
  'messages.list': ({ limit, offset, query }, { app }) => {
    const { messages } = app.unlockedServices();
    return query ? messages.search(query, { limit, offset }) : messages.list({ limit, offset });
  },
  'messages.get': ({ id }, { app }) => {
    const m = app.unlockedServices().messages.get(id);
    return {
      ...m,
      attachments: m.attachments.map(({ id: attId, name, size, mediaType }) => ({ id: attId, name, size, mediaType })),
    };
  },
  'messages.create': (input, { app }) => {
    const { messages } = app.unlockedServices();
    // The contract's input is strict: besides the upload ids it holds exactly the message's fields.
    const { uploadIds, ...fields } = input;
    const id = withUploads(app, uploadIds, (staged) => messages.create({ ...fields, attachments: staged }));
    return { id };
  },
  'messages.update': async (input, { app }) => {
    const { messages } = app.unlockedServices();
    const { id, addUploadIds, ...changes } = input;
    const { removedBlobIds } = withUploads(app, addUploadIds ?? [], (staged) =>
      messages.update(id, { ...changes, addAttachments: staged }),
    );
    await messages.attachments.discard(removedBlobIds);
    return { id };
  },
  'messages.delete': async ({ id }, { app }) => {
    const { messages, drafts } = app.unlockedServices();
    const { removedBlobIds } = messages.remove(id);
    drafts.discard(id);
    await messages.attachments.discard(removedBlobIds);
    return done;
  },
  'drafts.get': ({ messageId }, { app }) =>
    app.unlockedServices().drafts.get<NonNullable<MethodOutput<'drafts.get'>>['draft']>(messageId),
  'drafts.save': ({ messageId, draft }, { app }) => app.unlockedServices().drafts.save(messageId, draft),
  'drafts.discard': ({ messageId }, { app }) => {
    app.unlockedServices().drafts.discard(messageId);
    return done;
  },

  'attachments.uploadBegin': ({ name, size, mediaType }, { app }) => {
    app.unlockedServices();
    return app.uploads.begin(name, size, mediaType);
  },
  'attachments.uploadChunk': async ({ uploadId, index, data }, { app }) => {
    app.unlockedServices();
    return { received: await app.uploads.chunk(uploadId, index, new Uint8Array(Buffer.from(data, 'base64'))) };
  },
  'attachments.uploadFinish': async ({ uploadId }, { app }) => {
    app.unlockedServices();
    const staged = await app.uploads.finish(uploadId);
    return { uploadId, size: staged.size };
  },
  'attachments.uploadCancel': async ({ uploadId }, { app }) => {
    await app.uploads.cancel(uploadId);
    return done;
  },
  'attachments.download': async ({ messageId, attachmentId, index }, { app }) => {
    const { messages, vault } = app.unlockedServices();
    const attachment = messages.attachments.get(messageId, attachmentId);
    const perCall = ATTACHMENT_CHUNK_BYTES / BLOB_CHUNK_BYTES;
    const lastIndex = Math.max(0, Math.ceil(attachment.size / ATTACHMENT_CHUNK_BYTES) - 1);
    if (index > lastIndex)
      throw new BadRequestError(`this attachment has ${lastIndex + 1} piece(s); piece ${index} does not exist`);
    const data = await readBlobChunks(
      messages.attachments.blobPath(attachmentId),
      { key: vault.contentKey, blobId: attachmentId, plaintextSize: attachment.size },
      index * perCall,
      perCall,
    );
    return {
      attachment: { id: attachment.id, name: attachment.name, size: attachment.size, mediaType: attachment.mediaType },
      index,
      last: index === lastIndex,
      data: Buffer.from(data).toString('base64'),
    };
  },

  'recipients.list': (_input, { app }) => {
    const { recipients, messages } = app.unlockedServices();
    const usage = recipients.usage();
    const titles = messages.titles([...new Set([...usage.values()].flat())]);
    return recipients.list().map((r) => ({
      ...r,
      usedBy: (usage.get(r.id) ?? []).map((id) => ({ id, title: titles.get(id) ?? '' })),
    }));
  },
  'recipients.create': (input, { app }) =>
    app
      .unlockedServices()
      .recipients.add(
        input.type === 'email'
          ? { type: 'email', name: input.name, contact: input.contact }
          : { type: 'webhook', name: input.name, contact: input.contact },
        { allowPrivateNetwork: input.allowPrivateNetwork === true },
      ),
  'recipients.update': ({ id, name, contact, allowPrivateNetwork }, { app }) =>
    app.unlockedServices().recipients.update(id, { name, contact, allowPrivateNetwork }),
  'recipients.delete': ({ id }, { app }) => {
    app.unlockedServices().recipients.remove(id);
    return done;
  },

  'plans.list': (_input, { app }) => app.unlockedServices().plans.list(),
  'plans.get': ({ id }, { app }) => app.unlockedServices().plans.get(id),
  'plans.create': ({ name, intervalMs, levels: input, isDefault }, { app }) => {
    const { plans } = app.unlockedServices();
    const plan = plans.create({ name, intervalMs, levels: levels(input) });
    return isDefault ? plans.update(plan.id, { isDefault: true }) : plan;
  },
  'plans.update': ({ id, name, intervalMs, levels: input, isDefault }, { app }) =>
    app.unlockedServices().plans.update(id, { name, intervalMs, levels: input ? levels(input) : undefined, isDefault }),
  'plans.delete': ({ id }, { app }) => {
    app.unlockedServices().plans.remove(id);
    return done;
  },
  'plans.deliveries': ({ id }, { app }) => {
    const { plans, messages, vault } = app.unlockedServices();
    const plan = plans.get(id);
    const ids = new PlanStore(vault.db).armableMessageIds(id, plan.isDefault);
    return {
      messages: ids.map((messageId) => {
        const m = messages.get(messageId);
        return { id: m.id, title: m.title, deliveryDelayMs: m.deliveryDelayMs, recipients: m.recipients };
      }),
    };
  },
  /** The timeline of a stored plan from its current state, or of a plan being edited (not saved). */
  'plans.simulate': ({ id, intervalMs, levels: input }, { app }) => {
    const { plans, vault, clock } = app.unlockedServices();
    const now = clock.now();
    if (id) {
      const plan = plans.get(id);
      const store = new PlanStore(vault.db);
      const timing = { intervalMs: intervalMs ?? plan.intervalMs, levels: input ? levels(input) : plan.levels };
      return { timeline: simulate(timing, store.runtime(id), now, store.minDeliveryDelayMs(id, plan.isDefault)) };
    }
    if (!intervalMs || !input) throw new BadRequestError('give a plan id, or an interval and five levels to simulate');
    return {
      timeline: simulate(
        { intervalMs, levels: levels(input) },
        { ...INITIAL_RUNTIME, phase: 'scheduled', waitFrom: now },
        now,
      ),
    };
  },
};
