// The preload as the sandbox runs it: compiled to CommonJS, evaluated in a fresh context whose
// `require` knows only 'electron' (a fake contextBridge and ipcRenderer), like Electron's polyfill.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../../shared/contract/methods.js';
import { isErrorCode } from '../../../shared/error-codes.js';
import { EventBus } from '../../core/api/event-bus.js';
import { EVENT_CHANNEL, RPC_CHANNEL } from './ipc-channels.js';
import { registerIpc, type IpcEventLike } from './ipc.js';
import { extractPreloadManifest, renderPreloadManifest, replacePreloadManifest } from './preload-manifest.js';
import { memoryLogger } from './test-support/memory-logger.js';

const SOURCE = readFileSync(fileURLToPath(new URL('./preload.cts', import.meta.url)), 'utf8');

type Listener = (event: unknown, ...args: unknown[]) => void;

interface Exposed {
  call(method: unknown, input?: unknown): Promise<unknown>;
  subscribe(listener: unknown): () => void;
  version: string;
}

function loadPreload(
  argv: string[] = ['electron', '--afterword-version=1.2.3'],
  main: (channel: string, ...args: unknown[]) => Promise<unknown> = () =>
    Promise.resolve({ ok: true, data: 'from main' }),
) {
  const { outputText } = ts.transpileModule(SOURCE, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: 'preload.cts',
  });
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const exposed = new Map<string, unknown>();
  const required: string[] = [];
  const ipcRenderer = {
    invoke(channel: string, ...args: unknown[]) {
      invoked.push({ channel, args });
      return main(channel, ...args);
    },
    on(channel: string, listener: Listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
  };
  const electron = {
    ipcRenderer,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) },
  };
  const module = { exports: {} };
  runInNewContext(outputText, {
    module,
    exports: module.exports,
    process: { argv },
    require: (id: string) => {
      required.push(id);
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return electron;
    },
  });
  /** Main pushing an event: Electron calls listeners with its IpcRendererEvent first. */
  const push = (message: unknown) => {
    for (const listener of listeners.get(EVENT_CHANNEL) ?? []) listener({ sender: ipcRenderer, senderId: 0 }, message);
  };
  return { api: exposed.get('afterword') as Exposed, exposed, invoked, listeners, required, push, ipcRenderer };
}

describe('the generated part of preload.cts', () => {
  it('matches the contract (else run: npx tsx electron/apps/desktop/tooling/generate-preload-manifest.ts)', () => {
    expect(
      extractPreloadManifest(SOURCE),
      'preload.cts has drifted from shared/contract: run npx tsx electron/apps/desktop/tooling/generate-preload-manifest.ts',
    ).toBe(renderPreloadManifest());
  });

  it('the check notices an added, removed or renamed method', () => {
    for (const drifted of [
      [...METHOD_NAMES, 'plans.archive'],
      METHOD_NAMES.slice(1),
      METHOD_NAMES.map((m) => (m === 'checkin' ? 'checkIn' : m)),
    ]) {
      const stale = replacePreloadManifest(SOURCE, renderPreloadManifest(drifted));
      expect(extractPreloadManifest(stale)).not.toBe(renderPreloadManifest());
    }
  });

  it('refuses names that are not plain identifiers (nothing can be injected into the preload)', () => {
    expect(() => renderPreloadManifest(["x'); require('fs"])).toThrow(/not a plain/);
  });
});

describe('preload.cts in a sandbox', () => {
  it('requires only electron and exposes exactly { call, subscribe, version }, frozen', () => {
    const p = loadPreload();
    expect(p.required).toEqual(['electron']);
    expect([...p.exposed.keys()]).toEqual(['afterword']);
    expect(Object.keys(p.api).sort()).toEqual(['call', 'subscribe', 'version']);
    expect(Object.isFrozen(p.api)).toBe(true);
    expect(p.api.version).toBe('1.2.3');
    expect(Object.values(p.api)).not.toContain(p.ipcRenderer);
    expect(loadPreload(['electron']).api.version).toBe('unknown');
  });

  it('call() sends { method, input } on the rpc channel for every contract method and returns the reply', async () => {
    const p = loadPreload();
    for (const method of METHOD_NAMES) {
      await expect(p.api.call(method, { probe: 1 })).resolves.toEqual({ ok: true, data: 'from main' });
    }
    expect(p.invoked).toEqual(
      METHOD_NAMES.map((method) => ({ channel: RPC_CHANNEL, args: [{ method, input: { probe: 1 } }] })),
    );
    await p.api.call('vault.status');
    expect(p.invoked.at(-1)).toEqual({ channel: RPC_CHANNEL, args: [{ method: 'vault.status', input: {} }] });
  });

  it('call() answers NOT_FOUND for anything outside the contract without reaching the main process', async () => {
    const p = loadPreload();
    for (const bad of ['vault.explode', '', 'constructor', '__proto__', 42, null, { toString: () => 'vault.status' }]) {
      const reply = (await p.api.call(bad, {})) as { ok: boolean; code: string };
      expect(reply).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      expect(isErrorCode(reply.code)).toBe(true);
    }
    expect(p.invoked).toEqual([]);
  });

  it('subscribe() hands the listener { event, payload } only, never the IpcRendererEvent; unsubscribe stops it', () => {
    const p = loadPreload();
    const heard: unknown[][] = [];
    const unsubscribe = p.api.subscribe((...args: unknown[]) => void heard.push(args));
    const message = { event: 'vault.lockChanged', payload: { unlocked: true } };
    p.push(message);
    expect(heard).toEqual([[message]]);
    unsubscribe();
    unsubscribe(); // twice is harmless
    p.push(message);
    expect(heard).toHaveLength(1);
    expect(p.listeners.get(EVENT_CHANNEL)?.size).toBe(0);
  });

  it('a listener that throws does not stop the others; subscribe() wants a function', () => {
    const p = loadPreload();
    const heard: unknown[] = [];
    p.api.subscribe(() => {
      throw new Error('page bug');
    });
    p.api.subscribe((m: unknown) => void heard.push(m));
    expect(() => p.push({ event: 'outbox.progress', payload: {} })).not.toThrow();
    expect(heard).toHaveLength(1);
    expect(() => p.api.subscribe('not a function')).toThrow(/needs a function/); // (a TypeError of the sandbox's realm)
  });
});

describe('preload.cts and registerIpc together', () => {
  it('a call and an event make the whole trip: window → preload → ipcMain → router, and back', async () => {
    const events = new EventBus();
    let handler: ((event: IpcEventLike, ...args: unknown[]) => unknown) | null = null;
    const frame: IpcEventLike = { senderFrame: { url: 'app://app/index.html', parent: null } };
    // Electron's ipcRenderer.invoke → ipcMain.handle, with the sender's frame; send → the preload's listeners.
    const p = loadPreload(undefined, async (channel, ...args) => {
      expect(channel).toBe(RPC_CHANNEL);
      return handler!(frame, ...args);
    });
    registerIpc({
      ipcMain: { handle: (_channel, listener) => void (handler = listener), removeHandler: () => undefined },
      router: { call: async (method, input, caller) => ({ ok: true, data: { method, input, role: caller.role } }) },
      app: { isUiUnlocked: false, events },
      webContents: () => ({
        isDestroyed: () => false,
        getURL: () => 'app://app/',
        send: (_channel, message) => p.push(message),
      }),
      log: memoryLogger(),
    });
    await expect(p.api.call('vault.unlock', { password: 'pw' })).resolves.toEqual({
      ok: true,
      data: { method: 'vault.unlock', input: { password: 'pw' }, role: 'public' },
    });
    const heard: unknown[] = [];
    p.api.subscribe((m: unknown) => void heard.push(m));
    events.emit('vault.lockChanged', { unlocked: true });
    expect(heard).toEqual([{ event: 'vault.lockChanged', payload: { unlocked: true } }]);
  });
});
