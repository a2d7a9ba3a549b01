import type { Reply } from '../../../shared/contract/reply.js';
import { parseEventMessage } from './event-stream';
import { asReply } from './reply-guard';
import type { EventListener, Transport } from './transport';

/** What the Electron preload exposes on `window.afterword` (contextBridge; functions only). */
export interface PreloadApi {
  call(method: string, input: unknown): Promise<unknown>;
  subscribe(listener: (message: unknown) => void): () => void;
}

/** The preload's API if this window has one (Electron), else null (a browser against the runner). */
export function preloadApi(scope: { afterword?: unknown } = window as { afterword?: unknown }): PreloadApi | null {
  const api = scope.afterword as Partial<PreloadApi> | undefined;
  return api && typeof api.call === 'function' && typeof api.subscribe === 'function' ? (api as PreloadApi) : null;
}

/** Electron: calls and events go through the preload, which validates nothing itself (the main side does). */
export function ipcTransport(api: PreloadApi): Transport {
  return {
    async call(method: string, input: unknown): Promise<Reply<unknown>> {
      try {
        return asReply(await api.call(method, input ?? {}));
      } catch (error) {
        return { ok: false, code: 'INTERNAL', message: `the app did not answer: ${(error as Error).message}` };
      }
    },
    subscribe(listener: EventListener): () => void {
      return api.subscribe((raw) => {
        // The preload may hand over the object itself or its JSON.
        const message = parseEventMessage(typeof raw === 'string' ? raw : JSON.stringify(raw));
        if (message) listener(message);
      });
    },
  };
}
