import {
  createContext,
  useContext,
  useEffect,
  useEffectEvent,
  useMemo,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { ErrorCode } from '../../../shared/error-codes.js';
import type { ConnectionState } from './connection-watch';
import { createClient, type Client } from './create-client';
import type { RpcError } from './rpc-error';
import type { EventMessage, Transport } from './transport';

/** Codes that mean "this window is no longer signed in": the gate checks the vault status again. */
const SESSION_LOST: ReadonlySet<ErrorCode> = new Set(['UNAUTHORIZED', 'VAULT_LOCKED']);

interface ClientContextValue {
  client: Client;
  transport: Transport;
  onSessionLost(listener: () => void): () => void;
}

const ClientContext = createContext<ClientContextValue | null>(null);

export function ClientProvider({ transport, children }: { transport: Transport; children: ReactNode }) {
  const value = useMemo<ClientContextValue>(() => {
    const listeners = new Set<() => void>();
    const client = createClient(transport, {
      onError(error: RpcError) {
        if (SESSION_LOST.has(error.code)) for (const listener of [...listeners]) listener();
      },
    });
    return {
      client,
      transport,
      onSessionLost(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }, [transport]);
  return <ClientContext.Provider value={value}>{children}</ClientContext.Provider>;
}

function useClientContext(): ClientContextValue {
  const value = useContext(ClientContext);
  if (!value) throw new Error('useClient must be used inside <ClientProvider>');
  return value;
}

/** The typed client: `client.call('status.get')`. */
export function useClient(): Client {
  return useClientContext().client;
}

/** Calls `listener` whenever a call fails because the session ended (locked elsewhere, runner restarted). */
export function useSessionLost(listener: () => void): void {
  const { onSessionLost } = useClientContext();
  const onLost = useEffectEvent(listener);
  useEffect(() => onSessionLost(() => onLost()), [onSessionLost]);
}

/** Every pushed event while the component is mounted; the latest `listener` is always used. */
export function useEvents(listener: (message: EventMessage) => void): void {
  const client = useClient();
  const onEvent = useEffectEvent(listener);
  useEffect(() => client.subscribe((message) => onEvent(message)), [client]);
}

const alwaysOnline = () => () => {};

/** `online`, or `lost` while the core does not answer (HTTP only; IPC is always there). */
export function useConnection(): ConnectionState {
  const { transport } = useClientContext();
  const watch = transport.connection;
  return useSyncExternalStore(
    watch ? (onChange) => watch.subscribe(onChange) : alwaysOnline,
    () => watch?.state ?? 'online',
  );
}
