import type { Reply } from '../../../shared/contract/reply.js';
import type { Role } from '../../../shared/contract/roles.js';
import type { EventName, EventPayload } from '../../../shared/contract/events.js';

/** Who is calling, as the transport established it (IPC sender check, session cookie, bearer token). */
export interface Caller {
  role: Role;
  /** For logs and audit: 'ipc', 'http', 'ws', 'cli'. */
  transport: string;
  /** The token id for checkin/monitor callers, the session id for owners. */
  principal?: string;
}

/** The one gate every transport goes through: authorize → parse → handler → Reply. */
export interface RpcRouter {
  call(method: string, input: unknown, caller: Caller): Promise<Reply<unknown>>;
}

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Typed events for the UI (lock changes, plan transitions, outbox progress, awaiting warnings). */
export interface EventSource {
  subscribe(listener: EventListener): () => void;
}
