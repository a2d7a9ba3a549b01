import type { Clock } from '../ports/clock.js';
import { ATTACHMENT_CHUNK_BYTES } from '../../../shared/contract/attachment-chunks.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import type { AttachmentStore, StagedAttachment } from '../repo/attachments.js';
import type { VaultServices } from '../services.js';
import type { EventBus } from './event-bus.js';

/** Chunks that may wait to be encrypted before the next one is taken. */
const CHUNKS_AHEAD = 4;
const noop = (): void => undefined;

/** A push-fed byte stream: chunks arrive over RPC and are pulled by the blob encryptor. */
class ChunkQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Uint8Array[] = [];
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly roomWaiters: (() => void)[] = [];

  /** Resolves once at most `max` chunks wait to be encrypted: a fast sender cannot fill memory. */
  async room(max: number): Promise<void> {
    while (this.items.length > max && !this.ended) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  private freed(): void {
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }

  push(chunk: Uint8Array): void {
    this.items.push(chunk);
    this.wake?.();
  }

  end(failure?: Error): void {
    this.ended = true;
    this.failure = failure ?? null;
    this.wake?.();
    this.freed();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      if (this.failure) throw this.failure;
      const next = this.items.shift();
      if (next) {
        this.freed();
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}

interface Upload {
  id: string;
  size: number;
  received: number;
  nextIndex: number;
  queue: ChunkQueue;
  staging: Promise<StagedAttachment>;
  staged: StagedAttachment | null;
  touchedAt: number;
  /** Kept from begin(): removing a blob needs no key, so cancel works after a lock too. */
  store: AttachmentStore;
}

/**
 * Attachments uploaded in chunks from the UI: encrypted as they arrive (never held whole, never
 * written in plaintext), then attached by messages.create/update through their upload ids.
 */
export class Uploads {
  private readonly uploads = new Map<string, Upload>();

  constructor(
    private readonly services: () => VaultServices,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  begin(name: string, size: number, mediaType?: string): { uploadId: string; chunkBytes: number } {
    const store = this.services().messages.attachments;
    const id = newId('upl');
    const queue = new ChunkQueue();
    const staging = store.stage(queue, name, mediaType);
    staging.catch(() => undefined); // observed in finish/cancel
    this.uploads.set(id, {
      id,
      size,
      received: 0,
      nextIndex: 0,
      queue,
      staging,
      staged: null,
      touchedAt: this.clock.now(),
      store,
    });
    return { uploadId: id, chunkBytes: ATTACHMENT_CHUNK_BYTES };
  }

  /** Takes the next chunk; resolves once the encryptor has caught up (or the upload failed). */
  async chunk(uploadId: string, index: number, data: Uint8Array): Promise<number> {
    const upload = this.get(uploadId);
    if (upload.staged) throw new BadRequestError('this upload is finished already');
    if (index !== upload.nextIndex) {
      throw new BadRequestError(
        `expected chunk ${upload.nextIndex} of this upload, got ${index}: send the chunks in order`,
      );
    }
    if (data.length > ATTACHMENT_CHUNK_BYTES)
      throw new BadRequestError(`a chunk is at most ${ATTACHMENT_CHUNK_BYTES} bytes`);
    if (upload.received + data.length > upload.size) throw new BadRequestError('more data than the announced size');
    upload.queue.push(data);
    upload.received += data.length;
    upload.nextIndex++;
    upload.touchedAt = this.clock.now();
    this.events.emit('upload.progress', { uploadId, received: upload.received, size: upload.size });
    const received = upload.received;
    await Promise.race([upload.queue.room(CHUNKS_AHEAD), upload.staging.then(noop, noop)]);
    return received;
  }

  async finish(uploadId: string): Promise<StagedAttachment> {
    const upload = this.get(uploadId);
    if (upload.staged) return upload.staged;
    if (upload.received !== upload.size) {
      throw new BadRequestError(`only ${upload.received} of ${upload.size} bytes arrived: send the rest, then finish`);
    }
    upload.queue.end();
    upload.staged = await upload.staging;
    return upload.staged;
  }

  /** Hands finished uploads to a message; they are then no longer cancellable here. */
  take(uploadIds: readonly string[]): StagedAttachment[] {
    const staged = uploadIds.map((id) => {
      const upload = this.get(id);
      if (!upload.staged)
        throw new BadRequestError(`upload ${id} is not finished: call attachments.uploadFinish first`);
      return upload.staged;
    });
    for (const id of uploadIds) this.uploads.delete(id);
    return staged;
  }

  /** Puts uploads back if the message that took them could not be saved. */
  restore(staged: readonly StagedAttachment[], uploadIds: readonly string[]): void {
    const store = this.services().messages.attachments;
    staged.forEach((s, i) => {
      const id = uploadIds[i]!;
      const queue = new ChunkQueue();
      this.uploads.set(id, {
        id,
        size: s.size,
        received: s.size,
        nextIndex: 0,
        queue,
        staging: Promise.resolve(s),
        staged: s,
        touchedAt: this.clock.now(),
        store,
      });
    });
  }

  async cancel(uploadId: string): Promise<void> {
    const upload = this.uploads.get(uploadId);
    if (!upload) return;
    this.uploads.delete(uploadId);
    upload.queue.end(new Error('upload cancelled'));
    const staged = await upload.staging.catch(() => null);
    if (staged) await upload.store.discard([staged.id]).catch(() => undefined);
  }

  cancelAll(): void {
    for (const id of [...this.uploads.keys()]) void this.cancel(id).catch(() => undefined);
  }

  private get(uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new NotFoundError('upload', uploadId);
    return upload;
  }
}
