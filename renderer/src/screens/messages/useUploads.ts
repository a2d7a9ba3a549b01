import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../../client/ClientProvider';
import { toRpcError, type RpcError } from '../../client/rpc-error';
import { ATTACHMENT_CHUNK_BYTES } from '../../../../shared/contract/methods.js';
import { bytesToBase64, chunkCount } from './base64';

export interface Upload {
  key: string;
  name: string;
  size: number;
  /** Bytes the runner has acknowledged (our own counter, one chunk at a time). */
  sent: number;
  state: 'uploading' | 'done' | 'failed' | 'cancelled';
  uploadId: string | null;
  error: RpcError | null;
}

export interface Uploads {
  uploads: Upload[];
  add(files: File[]): void;
  /** Stops an upload in progress, or drops a finished one before the message is saved. */
  cancel(key: string): void;
  /** The finished uploads, to attach on save. */
  doneIds(): string[];
  /** Forgets the finished uploads (after they were attached). */
  clearDone(): void;
  busy: boolean;
}

let nextKey = 0;

/**
 * Chunked uploads through attachments.upload*: each file in ATTACHMENT_CHUNK_BYTES slices (or the
 * runner's smaller size), read one at a time so a large file never sits in memory whole.
 */
export function useUploads(onError: (error: unknown) => void): Uploads {
  const client = useClient();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const cancelled = useRef(new Set<string>());
  const live = useRef(new Map<string, string>());

  const patch = useCallback(
    (key: string, change: Partial<Upload>) =>
      setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u))),
    [],
  );

  const run = useCallback(
    async (key: string, file: File) => {
      try {
        const begun = await client.call('attachments.uploadBegin', {
          name: file.name.slice(0, 255) || 'attachment',
          size: file.size,
          ...(file.type ? { mediaType: file.type.slice(0, 200) } : {}),
        });
        live.current.set(key, begun.uploadId);
        patch(key, { uploadId: begun.uploadId });
        const chunkBytes = Math.min(ATTACHMENT_CHUNK_BYTES, begun.chunkBytes || ATTACHMENT_CHUNK_BYTES);
        const chunks = chunkCount(file.size, chunkBytes);
        for (let index = 0; index < chunks; index++) {
          if (cancelled.current.has(key)) return;
          const start = index * chunkBytes;
          const bytes = new Uint8Array(await file.slice(start, start + chunkBytes).arrayBuffer());
          await client.call('attachments.uploadChunk', { uploadId: begun.uploadId, index, data: bytesToBase64(bytes) });
          patch(key, { sent: Math.min(file.size, start + bytes.length) });
        }
        if (cancelled.current.has(key)) return;
        await client.call('attachments.uploadFinish', { uploadId: begun.uploadId });
        patch(key, { state: 'done', sent: file.size });
      } catch (error) {
        if (cancelled.current.has(key)) return;
        patch(key, { state: 'failed', error: toRpcError(error) });
        onError(error);
      }
    },
    [client, patch, onError],
  );

  const add = useCallback(
    (files: File[]) => {
      for (const file of files) {
        const key = `upload-${++nextKey}`;
        setUploads((list) => [
          ...list,
          { key, name: file.name, size: file.size, sent: 0, state: 'uploading', uploadId: null, error: null },
        ]);
        void run(key, file);
      }
    },
    [run],
  );

  const cancel = useCallback(
    (key: string) => {
      cancelled.current.add(key);
      const uploadId = live.current.get(key);
      live.current.delete(key);
      setUploads((list) => list.filter((u) => u.key !== key));
      if (uploadId) client.call('attachments.uploadCancel', { uploadId }).catch(() => undefined);
    },
    [client],
  );

  const doneIds = useCallback(
    () => uploads.filter((u) => u.state === 'done' && u.uploadId).map((u) => u.uploadId!),
    [uploads],
  );
  const clearDone = useCallback(() => {
    setUploads((list) => list.filter((u) => u.state !== 'done'));
  }, []);

  // Leaving the editor cancels whatever is still on its way.
  useEffect(() => {
    const pending = live.current;
    const flags = cancelled.current;
    return () => {
      for (const [key, uploadId] of pending) {
        flags.add(key);
        client.call('attachments.uploadCancel', { uploadId }).catch(() => undefined);
      }
    };
  }, [client]);

  return { uploads, add, cancel, doneIds, clearDone, busy: uploads.some((u) => u.state === 'uploading') };
}
