import { statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Selectable } from 'kysely';
import { readEncryptedBlobFile, writeEncryptedBlobFile } from '../crypto/blob-stream.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import type { AttachmentsTable } from '../db/schema.js';
import type { PreparedQuery } from '../db/sync-query.js';
import { FieldCipher } from './field-cipher.js';
import type { RepoContext } from './repo-context.js';

export interface AttachmentInfo {
  id: string;
  messageId: string;
  name: string;
  mediaType: string;
  size: number;
}

/** An attachment whose encrypted blob is on disk but whose row is not written yet. */
export interface StagedAttachment {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  storedSize: number;
}

const MEDIA_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  zip: 'application/zip',
};

export function guessMediaType(name: string): string {
  const ext = name.split('.').pop()?.toLowerCase() ?? '';
  return MEDIA_TYPES[ext] ?? 'application/octet-stream';
}

export class AttachmentStore {
  private readonly cipher: FieldCipher<'name' | 'media_type'>;

  constructor(private readonly ctx: RepoContext) {
    this.cipher = new FieldCipher(ctx.key, 'attachments');
  }

  blobPath(id: string): string {
    return join(this.ctx.blobsDir, id);
  }

  /** Encrypts a file into the blob store, streaming (memory stays flat whatever the size). */
  async stage(
    source: AsyncIterable<Uint8Array>,
    name: string,
    mediaType = guessMediaType(name),
  ): Promise<StagedAttachment> {
    if (name.trim().length === 0 || name.length > 255)
      throw new BadRequestError('attachment names must be 1–255 characters');
    await mkdir(this.ctx.blobsDir, { recursive: true, mode: 0o700 });
    const id = newId('att');
    const { plaintextSize, storedSize } = await writeEncryptedBlobFile(this.blobPath(id), source, {
      key: this.ctx.key,
      blobId: id,
    });
    return { id, name, mediaType, size: plaintextSize, storedSize };
  }

  /** Writes the rows for staged blobs; call inside the message's transaction. */
  insertRows(messageId: string, staged: readonly StagedAttachment[]): void {
    const { db, clock } = this.ctx;
    for (const att of staged) {
      db.q.run(
        db.kysely.insertInto('attachments').values({
          id: att.id,
          message_id: messageId,
          name: this.cipher.seal('name', att.id, att.name),
          media_type: this.cipher.seal('media_type', att.id, att.mediaType),
          size: att.size,
          stored_size: att.storedSize,
          created_at: clock.now(),
        }),
      );
    }
  }

  async discard(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => rm(this.blobPath(id), { force: true })));
  }

  listFor(messageId: string): AttachmentInfo[] {
    const { db } = this.ctx;
    const ofMessage = (this.ofMessageQuery ??= db.q.prepared((p: { messageId: string }) =>
      db.kysely
        .selectFrom('attachments')
        .selectAll()
        .where('message_id', '=', p.messageId)
        .orderBy('created_at')
        .orderBy('id'),
    ));
    return ofMessage.all({ messageId }).map((row) => ({
      id: row.id,
      messageId: row.message_id,
      name: this.cipher.open('name', row.id, row.name),
      mediaType: this.cipher.open('media_type', row.id, row.media_type),
      size: row.size,
    }));
  }

  /** Read for every delivery of a message: compiled once. */
  private ofMessageQuery?: PreparedQuery<{ messageId: string }, Selectable<AttachmentsTable>>;

  get(messageId: string, id: string): AttachmentInfo {
    const found = this.listFor(messageId).find((a) => a.id === id);
    if (!found) throw new NotFoundError('attachment', `${id} of message ${messageId}`);
    return found;
  }

  /**
   * What is wrong with an attachment's file, found without reading it: missing, or not the size
   * that was written (cut short, or replaced). Null when it looks whole; its chunks are checked
   * only when read.
   */
  fileProblem(id: string): string | null {
    const { db } = this.ctx;
    const row = db.q.get(db.kysely.selectFrom('attachments').select('stored_size').where('id', '=', id));
    if (!row) return null;
    let size: number;
    try {
      size = statSync(this.blobPath(id)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'its file is missing';
      return `its file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    return size === row.stored_size
      ? null
      : `its file is ${size} bytes, ${row.stored_size} were written (cut short or replaced)`;
  }

  /** Plaintext chunks, each verified before it is yielded. */
  read(id: string): AsyncGenerator<Uint8Array> {
    return readEncryptedBlobFile(this.blobPath(id), { key: this.ctx.key, blobId: id });
  }
}
