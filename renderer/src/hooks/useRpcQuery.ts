import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { useClient } from '../client/ClientProvider';
import type { Client } from '../client/create-client';
import { toRpcError, type RpcError } from '../client/rpc-error';

export interface Query<T> {
  data: T | null;
  error: RpcError | null;
  loading: boolean;
  /** Fetches again; the previous data stays on screen meanwhile. */
  reload(): void;
  /** When the data last arrived (local clock). */
  receivedAt: number | null;
}

/**
 * Loads data through the typed client when mounted and whenever `key` changes. The fetcher is
 * read at each load, so it may be an inline arrow; `key` says when to load again.
 */
export function useRpcQuery<T>(fetcher: (client: Client) => Promise<T>, key: unknown = null): Query<T> {
  const client = useClient();
  const [state, setState] = useState<{
    data: T | null;
    error: RpcError | null;
    loading: boolean;
    receivedAt: number | null;
  }>({
    data: null,
    error: null,
    loading: true,
    receivedAt: null,
  });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const load = useEffectEvent(() => fetcher(client));

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false, receivedAt: Date.now() }),
      (error: unknown) => live && setState((s) => ({ ...s, error: toRpcError(error), loading: false })),
    );
    return () => {
      live = false;
    };
  }, [client, key, generation]);

  return { ...state, reload };
}
