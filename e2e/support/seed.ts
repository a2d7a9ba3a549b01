// Content a test needs but is not about, put in through the runner's API (the journey test
// creates the same things through the UI).
import type { PlanLevel } from '../../shared/plans.js';
import type { Api } from './api.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Five levels with the same wait and channels. */
export function levels(waitMs: number, channels: PlanLevel['channels']): PlanLevel[] {
  return Array.from({ length: 5 }, () => ({ waitMs, channels }));
}

/** The loopback mail server as the outgoing server: plain SMTP, no sign-in. */
export async function useLoopbackSmtp(api: Api, port: number): Promise<void> {
  await api.call('channels.setSmtp', {
    host: '127.0.0.1',
    port,
    tls: 'none',
    user: null,
    password: null,
    from: 'afterword@example.org',
  });
}

/** Uploads a file in the contract's chunks; returns the upload id to attach on save. */
export async function upload(api: Api, file: { name: string; mimeType: string; buffer: Buffer }): Promise<string> {
  const { uploadId, chunkBytes } = await api.call('attachments.uploadBegin', {
    name: file.name,
    size: file.buffer.length,
    mediaType: file.mimeType,
  });
  for (let index = 0, start = 0; start < file.buffer.length; index++, start += chunkBytes) {
    await api.call('attachments.uploadChunk', {
      uploadId,
      index,
      data: file.buffer.subarray(start, start + chunkBytes).toString('base64'),
    });
  }
  await api.call('attachments.uploadFinish', { uploadId });
  return uploadId;
}
