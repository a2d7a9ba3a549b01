import type { Reply } from '../../../shared/contract/reply.js';
import type { EventName, EventPayload } from '../../../shared/contract/events.js';
import type { Caller, EventSource, RpcRouter } from '../../core/api/router-types.js';
import type { Logger } from '../../core/ports/logger.js';
import { EVENT_CHANNEL, RPC_CHANNEL, type EventMessage } from './ipc-channels.js';
import { isAppUrl, isTrustedIpcEvent } from './window-security.js';

/** The part of Electron's ipcMain the binding needs (injected, so it is tested in Node). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcEventLike {
  senderFrame: { url: string; parent: unknown } | null;
}

/** The window's webContents as far as events need it. */
export interface EventTarget {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

/** The part of AppCore the binding reads: who the caller is, and what to push. */
export interface IpcApp {
  readonly isUiUnlocked: boolean;
  readonly events: EventSource & { emit<E extends EventName>(name: E, payload: EventPayload<E>): void };
}

export interface IpcDeps {
  ipcMain: IpcMainLike;
  router: RpcRouter;
  app: IpcApp;
  /** The window whose main frame gets the events; null while there is none (closed to the tray). */
  webContents(): EventTarget | null;
  /** The sender gate; window-security's isTrustedIpcEvent (app://app main frame) unless a test says otherwise. */
  isTrustedSender?: (event: IpcEventLike) => boolean;
  /** Called after each answered call (the shell refreshes the tray, re-reads settings). Must not throw. */
  onReply?(method: string, reply: Reply<unknown>): void;
  log: Logger;
}

const FORBIDDEN: Reply<never> = { ok: false, code: 'FORBIDDEN', message: 'this frame may not talk to Afterword' };

/** Events a window may hear while the vault is locked: only the lock state (vault.status is public too). */
const WHILE_LOCKED: ReadonlySet<EventName> = new Set(['vault.lockChanged']);

/** Scheme and host of a frame for the log: never its path, query or credentials. */
function originOf(raw: string | undefined): string {
  try {
    const url = new URL(raw ?? '');
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'unparseable';
  }
}

function parseRequest(raw: unknown): { method: string; input: unknown } | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { method, input } = raw as { method?: unknown; input?: unknown };
  return typeof method === 'string' && method.length <= 100 ? { method, input } : null;
}

/**
 * The Electron transport of the contract: one `rpc` handler (see ipc-channels.ts for why one),
 * gated by the sender check, then the shared router with the caller's role taken from the UI lock;
 * and every AppCore event pushed to the window. Returns a function that unregisters both.
 */
export function registerIpc(deps: IpcDeps): () => void {
  const { ipcMain, router, app, log } = deps;
  const trusted = deps.isTrustedSender ?? isTrustedIpcEvent;

  ipcMain.handle(RPC_CHANNEL, async (event, raw): Promise<Reply<unknown>> => {
    if (!trusted(event)) {
      log.warn('refused an IPC call from an untrusted frame', {
        origin: originOf(event.senderFrame?.url),
        subframe: event.senderFrame ? event.senderFrame.parent !== null : null,
      });
      return FORBIDDEN;
    }
    const request = parseRequest(raw);
    if (!request) return { ok: false, code: 'BAD_REQUEST', message: 'an IPC call is { method, input }' };
    const caller: Caller = { role: app.isUiUnlocked ? 'owner' : 'public', transport: 'ipc' };
    let reply: Reply<unknown>;
    try {
      reply = await router.call(request.method, request.input, caller);
    } catch (error) {
      // The router maps handler errors itself; this is a bug in the router. Never reject the
      // invoke: Electron would hand the renderer its own error text instead of a Reply.
      log.error('rpc router failed', { method: request.method, error: (error as Error)?.message });
      reply = { ok: false, code: 'INTERNAL', message: 'something went wrong inside Afterword; details are in its log' };
    }
    try {
      deps.onReply?.(request.method, reply);
    } catch (error) {
      log.error('after-call hook failed', { method: request.method, error: (error as Error)?.message });
    }
    return reply;
  });

  const unsubscribe = app.events.subscribe((name, payload) => {
    if (!app.isUiUnlocked && !WHILE_LOCKED.has(name)) return;
    const target = deps.webContents();
    if (!target || target.isDestroyed()) return;
    // webContents.send reaches the main frame; only while it shows the app (navigation is denied anyway).
    if (!isAppUrl(target.getURL())) return;
    try {
      target.send(EVENT_CHANNEL, { event: name, payload } as EventMessage);
    } catch (error) {
      log.warn('could not push an event to the window', { event: name, error: (error as Error)?.message });
    }
  });

  return () => {
    ipcMain.removeHandler(RPC_CHANNEL);
    unsubscribe();
  };
}
