// Preload for the sandboxed window. It exposes exactly `window.afterword = { call, subscribe,
// version }` (renderer/src/client/ipc-transport.ts is its one user) and never `ipcRenderer`, nor
// anything that holds it:
//   call(method, input)  → Promise<Reply>; only methods of the contract, anything else is NOT_FOUND
//                          without leaving the window. The main side checks the sender and parses
//                          the input (ipc.ts → the shared router); nothing is validated here.
//   subscribe(listener)  → unsubscribe; the listener gets each pushed `{ event, payload }` and
//                          nothing else (never Electron's IpcRendererEvent, whose `sender` IS ipcRenderer).
//
// This file is .cts on purpose: a sandboxed preload cannot be an ES module (Electron's ESM support
// matrix), and the package is "type": "module", so a .ts preload would compile to ESM and fail to
// load. It compiles to preload.cjs, and with verbatimModuleSyntax a CommonJS file must use
// `import = require`. A sandboxed preload can require only 'electron' (and a few Node polyfills), so
// the contract's method names are generated into the block below instead of imported.
import electron = require('electron');

// <generated from shared/contract by electron/apps/desktop/tooling/generate-preload-manifest.ts: do not edit>
const RPC_CHANNEL = 'rpc';
const EVENT_CHANNEL = 'event';
const METHOD_NAMES: readonly string[] = [
  'vault.status',
  'vault.create',
  'vault.unlock',
  'vault.recover',
  'vault.lock',
  'vault.changePassword',
  'vault.regenerateRecoveryKey',
  'vault.setUnattended',
  'mfa.status',
  'mfa.enable',
  'mfa.confirm',
  'mfa.disable',
  'setup.get',
  'setup.confirmRecoveryKey',
  'setup.advance',
  'messages.list',
  'messages.get',
  'messages.create',
  'messages.update',
  'messages.delete',
  'messages.testSend',
  'drafts.get',
  'drafts.save',
  'drafts.discard',
  'attachments.uploadBegin',
  'attachments.uploadChunk',
  'attachments.uploadFinish',
  'attachments.uploadCancel',
  'attachments.download',
  'recipients.list',
  'recipients.create',
  'recipients.update',
  'recipients.delete',
  'plans.list',
  'plans.get',
  'plans.create',
  'plans.update',
  'plans.delete',
  'plans.simulate',
  'plans.deliveries',
  'plans.pause',
  'plans.resume',
  'plans.stop',
  'checkin',
  'channels.get',
  'channels.setSmtp',
  'channels.addWebhook',
  'channels.updateWebhook',
  'channels.removeWebhook',
  'channels.test',
  'status.get',
  'scheduler.tick',
  'audit.page',
  'audit.verify',
  'vault.doctor',
  'settings.get',
  'settings.set',
  'tokens.list',
  'tokens.create',
  'tokens.delete',
  'backup.getTarget',
  'backup.setTarget',
  'backup.removeTarget',
  'backup.test',
  'backup.now',
  'backup.list',
  'backup.verify',
  'backup.prune',
  'backup.exportBegin',
  'backup.exportChunk',
  'backup.exportCancel',
  'standby.list',
  'standby.add',
  'standby.remove',
];
// </generated>

const VERSION_ARG = '--afterword-version=';

// main.ts passes the app version through webPreferences.additionalArguments.
const version = process.argv.find((arg) => arg.startsWith(VERSION_ARG))?.slice(VERSION_ARG.length) ?? 'unknown';

const methods = new Set<string>(METHOD_NAMES);

function call(method: unknown, input: unknown): Promise<unknown> {
  if (typeof method !== 'string' || !methods.has(method)) {
    return Promise.resolve({ ok: false, code: 'NOT_FOUND', message: `no such method: ${String(method).slice(0, 100)}` });
  }
  return electron.ipcRenderer.invoke(RPC_CHANNEL, { method, input: input ?? {} });
}

function subscribe(listener: unknown): () => void {
  if (typeof listener !== 'function') throw new TypeError('subscribe(listener) needs a function');
  const forward = (_event: unknown, message: unknown): void => {
    try {
      listener(message);
    } catch {
      // The page's own error; it must not stop the other listeners.
    }
  };
  electron.ipcRenderer.on(EVENT_CHANNEL, forward);
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    electron.ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  };
}

electron.contextBridge.exposeInMainWorld('afterword', Object.freeze({ call, subscribe, version }));
