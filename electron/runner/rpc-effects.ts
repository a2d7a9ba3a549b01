import type { Reply } from '../../shared/contract/reply.js';
import type { AppCore } from '../core/api/app-core.js';
import type { Sessions } from './sessions.js';

/** Methods whose success proves the password (or recovery key): over HTTP they open an owner session. */
export const SIGN_IN = new Set(['vault.unlock', 'vault.create', 'vault.recover']);
/** Methods whose reply carries plan transitions the UI should hear about. */
export const TRANSITIONS = new Set(['checkin', 'plans.pause', 'plans.resume', 'plans.stop']);

/**
 * What a reply does beyond itself, whichever transport carried the call (HTTP or the WebSocket):
 * a lock ends every owner session; plan transitions are pushed as `plan.stateChanged` events.
 * Transport-specific effects (cookies, Retry-After) stay with the transport.
 */
export function applyReplyEffects(deps: { app: AppCore; sessions: Sessions }, method: string, reply: Reply<unknown>): void {
  if (!reply.ok) return;
  if (method === 'vault.lock') deps.sessions.revokeAll();
  if (TRANSITIONS.has(method)) {
    for (const t of (reply.data as { transitions: { planId: string; from: string; to: string; reason: string }[] }).transitions) {
      deps.app.events.emit('plan.stateChanged', t);
    }
  }
}
