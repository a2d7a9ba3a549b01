import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract/methods.js';
import { RpcError, toRpcError } from './rpc-error';
import type { EventListener, Transport } from './transport';

/** Methods whose input is an empty object may be called without one. */
type NoInput<M extends MethodName> = Record<string, never> extends MethodInput<M> ? M : never;

export interface CallObserver {
  /** Every failed call, after it is turned into an RpcError (for the session watcher and logs). */
  onError?(error: RpcError, method: MethodName): void;
}

export interface Client {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  call<M extends MethodName>(method: NoInput<M>): Promise<MethodOutput<M>>;
  subscribe(listener: EventListener): () => void;
}

/**
 * The typed client over any transport: inputs and outputs are the contract's types, and an
 * `{ ok: false }` reply is thrown as an RpcError with its stable code.
 */
export function createClient(transport: Transport, observer: CallObserver = {}): Client {
  async function call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>> {
    let error: RpcError;
    try {
      const reply = await transport.call(method, input ?? {});
      if (reply.ok) return reply.data as MethodOutput<M>;
      error = new RpcError(reply.code, reply.message, method);
    } catch (thrown) {
      error = toRpcError(thrown);
    }
    observer.onError?.(error, method);
    throw error;
  }
  return { call, subscribe: (listener) => transport.subscribe(listener) };
}
