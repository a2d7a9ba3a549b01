import type { Client } from '../../client/create-client';
import { base64ToBytes } from './base64';

/** Fetches an attachment chunk by chunk and puts the pieces back together as one Blob. */
export async function downloadAttachment(
  client: Client,
  messageId: string,
  attachmentId: string,
  onProgress?: (received: number) => void,
): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  let mediaType = 'application/octet-stream';
  for (let index = 0; ; index++) {
    const reply = await client.call('attachments.download', { messageId, attachmentId, index });
    const bytes = base64ToBytes(reply.data);
    parts.push(bytes);
    received += bytes.length;
    mediaType = reply.attachment.mediaType || mediaType;
    onProgress?.(received);
    if (reply.last) break;
  }
  return new Blob(parts, { type: mediaType });
}
