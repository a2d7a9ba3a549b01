import type { MethodName } from '../../../shared/contract/methods.js';
import type { EventMessage } from '../../../shared/contract/events.js';

/**
 * The two IPC channels of the Electron transport; the only place their names are written (the
 * preload gets a generated copy: see preload-manifest.ts).
 *
 * Why ONE `rpc` channel carrying `{ method, input }` rather than one `rpc:<method>` channel per
 * method:
 *  - one `ipcMain.handle`, so the sender check runs in exactly one place and no method can be
 *    registered without it;
 *  - the method name is data, checked by the shared router like the runner's `POST /api/rpc/:method`:
 *    an unknown method gets the router's `NOT_FOUND` Reply, where an unregistered per-method channel
 *    would reject the invoke with Electron's own error text;
 *  - the preload needs one channel name, not a list of 50 that must match the handlers.
 * Per-method channels would only buy per-channel tracing in DevTools, which the logs give anyway.
 *
 * Events go the other way on one `event` channel as `{ event, payload }`, the same message the
 * runner's WebSocket sends, so the renderer parses both transports with one function.
 */
export const RPC_CHANNEL = 'rpc';
export const EVENT_CHANNEL = 'event';

/** What the preload sends on RPC_CHANNEL. */
export interface RpcRequest {
  method: MethodName;
  input: unknown;
}

/** What the main side sends on EVENT_CHANNEL. */
export type { EventMessage };
