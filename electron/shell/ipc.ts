import type { Logger } from '../ports/logger.js';
import type { DesktopSession } from './desktop-session.js';
import { isTrustedIpcEvent } from './window-security.js';

/** The part of Electron's ipcMain the router needs (injected, so the router is tested in Node). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcEventLike {
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcDeps {
  ipcMain: IpcMainLike;
  session: DesktopSession;
  log: Logger;
}

/** The gate every handler goes through first (docs/style.md §3); the generated router must use it. */
export const ipcGate = isTrustedIpcEvent;

/**
 * The seam for the Electron transport of the RPC contract. Returns a function that unregisters.
 *
 * TODO(ipc): generate the channels and handlers from the RPC contract in shared/contract/ (one zod
 * schema per method and event; see docs/design.md "Architecture" and docs/style.md §2–§4):
 *   - register one `ipcMain.handle` per contract method, channel names derived from the contract;
 *   - per call: `ipcGate(event)` (app://app main frame only) → parse the input with the method's
 *     schema → call the core handler (DesktopSession for unlock/lock/check-in/unattended, then
 *     `session.reconcileUnattended()` after enabling or disabling it) → reply with `Reply<T>`
 *     from shared/contract/reply.ts (`{ ok: true, data }` or `{ ok: false, code, message }`);
 *   - push contract events (status changes) to the main window's webContents;
 *   - and the preload (preload.cts) exposes one function per method, never ipcRenderer.
 * Until then the window gets nothing beyond `{ version }` from the preload.
 */
export function registerIpc(deps: IpcDeps): () => void {
  deps.log.info('IPC is not wired yet: the window has no API beyond its version (see electron/shell/ipc.ts)');
  return () => {};
}
