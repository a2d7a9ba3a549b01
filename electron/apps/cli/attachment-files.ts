import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { LIMITS } from '../../../shared/validation.js';
import type { MethodOutput } from '../../../shared/contract/methods.js';
import { BadRequestError, ConflictError } from '../../core/errors.js';
import type { Rpc } from './cli-router.js';

/** The attachment as `attachment get --json` has always described it. */
type AttachmentInfo = MethodOutput<'attachments.download'>['attachment'] & { messageId: string };

/** One file through the contract's upload, read from disk one chunk at a time (never whole). */
async function uploadFile(rpc: Rpc, file: string, uploadIds: string[]): Promise<void> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new BadRequestError(`cannot read attachment ${file}: check the path`);
  }
  if (!info.isFile()) throw new BadRequestError(`${file} is not a regular file`);
  if (info.size > LIMITS.attachmentMaxBytes) throw new BadRequestError(`${file} is larger than 2 GiB`);
  const { uploadId, chunkBytes } = await rpc('attachments.uploadBegin', { name: basename(file), size: info.size });
  uploadIds.push(uploadId);
  let index = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    await rpc('attachments.uploadChunk', { uploadId, index: index++, data: chunk.toString('base64') });
  }
  await rpc('attachments.uploadFinish', { uploadId });
}

/**
 * Uploads attachment files (encrypted by the core as they arrive), then hands their upload ids to
 * `save` (messages.create or messages.update). If anything fails, the uploads are cancelled and
 * their encrypted blobs removed.
 */
export async function withUploadedFiles<T>(
  rpc: Rpc,
  files: readonly string[],
  save: (uploadIds: string[]) => Promise<T>,
): Promise<T> {
  const uploadIds: string[] = [];
  try {
    for (const file of files) await uploadFile(rpc, file, uploadIds);
    return await save(uploadIds);
  } catch (error) {
    for (const uploadId of uploadIds) await rpc('attachments.uploadCancel', { uploadId }).catch(() => undefined);
    throw error;
  }
}

/**
 * Decrypts an attachment through the contract's download, piece by piece, into `out` (0600): a
 * temporary file renamed into place once complete, so a damaged blob leaves no file behind.
 */
export async function downloadTo(
  rpc: Rpc,
  messageId: string,
  attachmentId: string,
  out: string,
  overwrite: boolean,
): Promise<AttachmentInfo> {
  const first = await rpc('attachments.download', { messageId, attachmentId, index: 0 });
  if (!overwrite) {
    const exists = await stat(out).then(
      () => true,
      () => false,
    );
    if (exists) throw new ConflictError(`${out} already exists: choose another --out path or remove it`);
  }
  const tmp = `${out}.${randomBytes(6).toString('hex')}.part`;
  const handle = await open(tmp, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    throw new BadRequestError(
      `cannot write ${out} (${error.code ?? error.message}): check that its folder exists and is writable`,
    );
  });
  try {
    for (let piece = first; ;) {
      await handle.write(Buffer.from(piece.data, 'base64'));
      if (piece.last) break;
      piece = await rpc('attachments.download', { messageId, attachmentId, index: piece.index + 1 });
    }
    await handle.sync();
    await handle.close();
    await rename(tmp, out).catch((error: NodeJS.ErrnoException) => {
      throw new BadRequestError(
        `cannot write ${out} (${error.code ?? error.message}): choose a file path, not a folder`,
      );
    });
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
  const { id, name, mediaType, size } = first.attachment;
  return { id, messageId, name, mediaType, size };
}
