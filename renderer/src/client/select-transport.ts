import { httpTransport } from './http-transport';
import { ipcTransport, preloadApi } from './ipc-transport';
import type { Transport } from './transport';

/** Electron when the preload exposed its API, otherwise HTTP + WebSocket to the runner that served this page. */
export function selectTransport(): Transport {
  const api = preloadApi();
  return api ? ipcTransport(api) : httpTransport();
}
