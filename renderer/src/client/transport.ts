import type { EventMessage } from '../../../shared/contract/events.js';
import type { Reply } from '../../../shared/contract/reply.js';
import type { ConnectionWatch } from './connection-watch';

export type { EventMessage };

export type EventListener = (message: EventMessage) => void;

/**
 * How the renderer reaches the core. The UI never knows which one it has: Electron IPC through
 * the preload, or HTTP + WebSocket against `afterword serve`. Method names are checked by the
 * typed client above this layer; here they are plain strings.
 */
export interface Transport {
  call(method: string, input: unknown): Promise<Reply<unknown>>;
  /** Pushed events; returns the function that stops listening. */
  subscribe(listener: EventListener): () => void;
  /** Whether the core answers, for transports that can lose it (HTTP); absent: always there (IPC). */
  connection?: ConnectionWatch;
}
