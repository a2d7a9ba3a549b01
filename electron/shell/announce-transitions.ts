import { z } from 'zod';
import { CONTRACT, METHOD_NAMES, type MethodName } from '../../shared/contract/methods.js';
import type { Reply } from '../../shared/contract/reply.js';
import type { EventBus } from '../core/api/event-bus.js';

/**
 * Methods whose reply carries plan transitions (check-in, pause, resume, stop), read off the
 * contract's output schemas rather than listed by hand, so a new one is announced too.
 */
export const TRANSITION_METHODS: ReadonlySet<MethodName> = new Set(
  METHOD_NAMES.filter((method) => {
    const output: z.ZodType = CONTRACT[method].output;
    return output instanceof z.ZodObject && 'transitions' in output.shape;
  }),
);

interface Transition {
  planId: string;
  from: string;
  to: string;
  reason: string;
}

/**
 * What the runner's HTTP route does after such a call (runner/rpc-routes.ts): every transition is
 * pushed as `plan.stateChanged`, so the window (and the tray) hear about a check-in at once rather
 * than after the next scheduler run.
 */
export function announceTransitions(events: Pick<EventBus, 'emit'>, method: string, reply: Reply<unknown>): void {
  if (!reply.ok || !TRANSITION_METHODS.has(method as MethodName)) return;
  const transitions = (reply.data as { transitions?: Transition[] } | null)?.transitions ?? [];
  for (const t of transitions) events.emit('plan.stateChanged', { planId: t.planId, from: t.from, to: t.to, reason: t.reason });
}
