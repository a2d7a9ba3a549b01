import type { Client } from '../../client/create-client';
import { base64ToBytes } from '../messages/base64';

export type ExportSecret = { passphrase: string } | { recipient: string };

export interface ExportedFile {
  blob: Blob;
  fileName: string;
}

/** Set by the Cancel button: the loop stops at the next chunk and the core drops what it holds. */
export interface CancelSignal {
  cancelled: boolean;
}

export class ExportCancelled extends Error {
  override readonly name = 'ExportCancelled';
}

/**
 * Has the core write the age-encrypted export, then fetches it chunk by chunk into one Blob (it
 * is ciphertext: nothing readable sits in the renderer's memory). A cancel or a failure on the
 * way tells the core to drop the export.
 */
export async function fetchExport(
  client: Client,
  secret: ExportSecret,
  signal: CancelSignal,
  onProgress: (received: number, size: number) => void,
): Promise<ExportedFile> {
  const ready = await client.call('backup.exportBegin', secret);
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  try {
    for (let index = 0; ; index++) {
      if (signal.cancelled) throw new ExportCancelled();
      const chunk = await client.call('backup.exportChunk', { exportId: ready.exportId, index });
      const bytes = base64ToBytes(chunk.data);
      parts.push(bytes);
      received += bytes.length;
      onProgress(received, ready.size);
      // Cancelled while the chunk was on its way (the last one too): no file is made.
      if (signal.cancelled) throw new ExportCancelled();
      if (chunk.last) break;
    }
  } catch (error) {
    await client.call('backup.exportCancel', { exportId: ready.exportId }).catch(() => undefined);
    throw error;
  }
  return { blob: new Blob(parts, { type: 'application/octet-stream' }), fileName: ready.fileName };
}
