import type { Reply } from '../../../shared/contract/reply.js';
import { ConnectionWatch } from './connection-watch';
import { asReply } from './reply-guard';
import { browserSocket, EventStream, type SocketLike } from './event-stream';
import type { EventListener, Transport } from './transport';

export interface HttpTransportOptions {
  /** Where the app is served (the runner serves the renderer at its root); document.baseURI by default. */
  baseUrl?: string;
  fetch?: typeof fetch;
  openSocket?: (url: string) => SocketLike;
  /** Reconnection waits: first, cap (ms). */
  backoff?: { initialMs: number; maxMs: number };
}

const RPC_PATH = 'api/rpc/';
const EVENTS_PATH = 'api/events';

/**
 * The runner's front door: `POST api/rpc/:method` with a JSON body (the session cookie goes along,
 * same origin only) and events over a WebSocket at `api/events`. Error replies come with a 4xx/5xx
 * status and the Reply as the body, so the body is read whatever the status.
 */
export function httpTransport(options: HttpTransportOptions = {}): Transport {
  const base = options.baseUrl ?? document.baseURI;
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const socketUrl = new URL(EVENTS_PATH, base);
  socketUrl.protocol = socketUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const connection = new ConnectionWatch();
  const stream = new EventStream({
    url: socketUrl.href,
    open: options.openSocket ?? browserSocket,
    backoff: options.backoff ?? { initialMs: 1000, maxMs: 30_000 },
  });

  async function call(method: string, input: unknown): Promise<Reply<unknown>> {
    let response: Response;
    try {
      response = await doFetch(new URL(RPC_PATH + encodeURIComponent(method), base), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
    } catch (error) {
      connection.lost();
      return { ok: false, code: 'INTERNAL', message: `Afterword did not answer: ${(error as Error).message}` };
    }
    connection.answered();
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return { ok: false, code: 'INTERNAL', message: `unexpected answer from Afterword (HTTP ${response.status})` };
    }
    const reply = asReply(body);
    // A call that went through proves the server is back, and sign-in may have just made the
    // event socket possible: try it now instead of waiting out the backoff.
    if (reply.ok) stream.nudge();
    return reply;
  }

  return { call, subscribe: (listener: EventListener) => stream.subscribe(listener), connection };
}
