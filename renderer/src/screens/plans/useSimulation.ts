import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { toRpcError, type RpcError } from '../../client/rpc-error';
import { canSimulate, levelsInput, type PlanDraft } from './plan-draft';

const DEBOUNCE_MS = 350;
export type TimelineEvent = MethodOutput<'plans.simulate'>['timeline'][number];

/**
 * The timeline from now, asked of the server (`plans.simulate`): for a saved plan without edits by
 * its id (so its current state counts), otherwise for the draft's timing. Debounced while typing.
 */
export function useSimulation(draft: PlanDraft, savedId: string | null, edited: boolean) {
  const client = useClient();
  const [state, setState] = useState<{
    timeline: TimelineEvent[] | null;
    error: RpcError | null;
    receivedAt: number | null;
  }>({ timeline: null, error: null, receivedAt: null });
  const ready = canSimulate(draft);
  const key = JSON.stringify({ i: draft.intervalMs, l: draft.levels, savedId, edited });

  useEffect(() => {
    if (!ready) return;
    let live = true;
    const parsed = JSON.parse(key) as { i: number; l: PlanDraft['levels']; savedId: string | null; edited: boolean };
    const timer = setTimeout(() => {
      const input =
        parsed.savedId && !parsed.edited
          ? { id: parsed.savedId }
          : { intervalMs: Math.round(parsed.i), levels: levelsInput(parsed.l) };
      client.call('plans.simulate', input).then(
        (reply) => live && setState({ timeline: reply.timeline, error: null, receivedAt: Date.now() }),
        (error: unknown) => live && setState((s) => ({ ...s, error: toRpcError(error) })),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, key, ready]);

  return { ...state, stale: !ready };
}
