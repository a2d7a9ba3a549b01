import { useCallback, useEffect, useState } from 'react';
import { useClient, useSessionLost } from '../client/ClientProvider';
import { toRpcError, type RpcError } from '../client/rpc-error';

export type GateState =
  | { kind: 'loading' }
  | { kind: 'unreachable'; error: RpcError }
  | { kind: 'first-run'; resume: boolean }
  | { kind: 'locked'; retryAfterMs: number; olderCopy?: 'older' | 'rewritten' }
  | { kind: 'unlocked' };

/**
 * Which door the window shows: first run (no vault, or one whose first run is not finished),
 * unlock, or the app. The vault records the first run's step, so it keeps the window until it is
 * finished, even though the vault is unlocked as soon as it is created. Lock events are heard by the unlocked
 * shell only: on the runner the event socket needs a session, so nothing listens before sign-in.
 */
export function useVaultGate() {
  const client = useClient();
  const [state, setState] = useState<GateState>({ kind: 'loading' });

  const check = useCallback(async () => {
    try {
      const status = await client.call('vault.status');
      setState((current) => {
        if (!status.exists) return { kind: 'first-run', resume: false };
        // An unfinished first run resumes at its step (after a refresh, Back/Forward, a restart).
        if (status.unlocked && status.setupStep !== null && status.setupStep !== 'done')
          return current.kind === 'first-run' ? current : { kind: 'first-run', resume: true };
        if (status.unlocked) return { kind: 'unlocked' };
        return status.olderCopy
          ? { kind: 'locked', retryAfterMs: status.retryAfterMs, olderCopy: status.olderCopy }
          : { kind: 'locked', retryAfterMs: status.retryAfterMs };
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
    /** Unlocked (or the first run finished): asks again, so an unfinished first run resumes. */
    unlocked: () => void check(),
    locked: () => setState({ kind: 'locked', retryAfterMs: 0 }),
  };
}
