import { useCallback, useEffect, useState } from 'react';
import { useClient, useSessionLost } from '../client/ClientProvider';
import { toRpcError, type RpcError } from '../client/rpc-error';

export type GateState =
  | { kind: 'loading' }
  | { kind: 'unreachable'; error: RpcError }
  | { kind: 'first-run' }
  | { kind: 'locked'; retryAfterMs: number }
  | { kind: 'unlocked' };

/**
 * Which door the window shows: first run (no vault), unlock, or the app. The first-run flow keeps
 * the window until it is finished, even though the vault is unlocked as soon as it is created
 * (the recovery key and the owner e-mail still follow). Lock events are heard by the unlocked
 * shell only: on the runner the event socket needs a session, so nothing listens before sign-in.
 */
export function useVaultGate() {
  const client = useClient();
  const [state, setState] = useState<GateState>({ kind: 'loading' });

  const check = useCallback(async () => {
    try {
      const status = await client.call('vault.status');
      setState((current) => {
        if (current.kind === 'first-run' && status.exists) return current;
        if (!status.exists) return { kind: 'first-run' };
        return status.unlocked ? { kind: 'unlocked' } : { kind: 'locked', retryAfterMs: status.retryAfterMs };
      });
    } catch (error) {
      setState({ kind: 'unreachable', error: toRpcError(error) });
    }
  }, [client]);

  useEffect(() => {
    void check();
  }, [check]);

  // Retry on its own while the core cannot be reached (the runner restarting, say).
  useEffect(() => {
    if (state.kind !== 'unreachable') return;
    const timer = setTimeout(() => void check(), 5000);
    return () => clearTimeout(timer);
  }, [state, check]);

  useSessionLost(() => {
    if (state.kind === 'unlocked') void check();
  });

  return {
    state,
    retry: check,
    unlocked: () => setState({ kind: 'unlocked' }),
    locked: () => setState({ kind: 'locked', retryAfterMs: 0 }),
  };
}
