import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../../shared/contract/methods.js';
import type { Reply } from '../../../shared/contract/reply.js';
import { EventBus } from '../../core/api/event-bus.js';
import type { Caller, RpcRouter } from '../../core/api/router-types.js';
import { EVENT_CHANNEL, RPC_CHANNEL } from './ipc-channels.js';
import { registerIpc, type EventTarget, type IpcEventLike, type IpcMainLike } from './ipc.js';
import { memoryLogger } from './test-support/memory-logger.js';

type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(event: IpcEventLike, ...args: unknown[]): Promise<Reply<unknown>> {
    const handler = this.handlers.get(RPC_CHANNEL);
    if (!handler) throw new Error('no handler');
    return Promise.resolve(handler(event, ...args) as Reply<unknown>);
  }
}

/** An IPC event from a frame: the app's main frame unless told otherwise. */
function frame(url: string | null, parent: unknown = null): IpcEventLike {
  return { senderFrame: url === null ? null : { url, parent } };
}
const MAIN = frame('app://app/index.html');

class FakeWebContents implements EventTarget {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  url = 'app://app/index.html';
  isDestroyed() {
    return this.destroyed;
  }
  getURL() {
    return this.url;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
}

function setup(
  options: {
    unlocked?: boolean;
    reply?: (method: string, input: unknown) => Reply<unknown> | Promise<Reply<unknown>>;
  } = {},
) {
  const ipcMain = new FakeIpcMain();
  const calls: { method: string; input: unknown; caller: Caller }[] = [];
  const router: RpcRouter = {
    async call(method, input, caller) {
      calls.push({ method, input, caller });
      return options.reply ? options.reply(method, input) : { ok: true, data: { method } };
    },
  };
  const app = { isUiUnlocked: options.unlocked ?? false, events: new EventBus() };
  const contents: { current: FakeWebContents | null } = { current: new FakeWebContents() };
  const replies: string[] = [];
  const log = memoryLogger();
  const unregister = registerIpc({
    ipcMain,
    router,
    app,
    webContents: () => contents.current,
    onReply: (method) => void replies.push(method),
    log,
  });
  return { ipcMain, calls, app, contents, replies, log, unregister };
}

describe('registerIpc: the sender gate', () => {
  it('registers one handler, on the rpc channel', () => {
    const s = setup();
    expect([...s.ipcMain.handlers.keys()]).toEqual([RPC_CHANNEL]);
  });

  it('answers the app:// main frame through the router', async () => {
    const s = setup();
    const reply = await s.ipcMain.invoke(MAIN, { method: 'vault.status', input: {} });
    expect(reply).toEqual({ ok: true, data: { method: 'vault.status' } });
    expect(s.calls).toEqual([{ method: 'vault.status', input: {}, caller: { role: 'public', transport: 'ipc' } }]);
  });

  const untrusted: [string, IpcEventLike][] = [
    ['a sub-frame of the app', frame('app://app/index.html', { url: 'app://app/index.html' })],
    ['another origin', frame('https://evil.example/index.html')],
    ['another app:// host', frame('app://other/index.html')],
    ['file://', frame('file:///home/me/index.html')],
    ['app:// with credentials', frame('app://me:pw@app/index.html')],
    ['a frame that is gone', frame(null)],
    ['an unparseable URL', frame('not a url')],
  ];
  for (const [what, event] of untrusted) {
    it(`refuses ${what} with FORBIDDEN and a warning, without calling the router`, async () => {
      const s = setup({ unlocked: true });
      const reply = await s.ipcMain.invoke(event, { method: 'messages.list', input: {} });
      expect(reply).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(s.calls).toEqual([]);
      expect(s.replies).toEqual([]);
      const warning = s.log.lines.find((l) => l.level === 'warn');
      expect(warning?.message).toMatch(/untrusted frame/);
      // The origin is logged, never the path (which could carry anything).
      expect(JSON.stringify(warning?.fields)).not.toMatch(/index\.html|home\/me|pw/);
    });
  }

  it('the role follows the UI lock: owner while unlocked, public otherwise', async () => {
    const s = setup({ unlocked: true });
    await s.ipcMain.invoke(MAIN, { method: 'messages.list', input: {} });
    s.app.isUiUnlocked = false;
    await s.ipcMain.invoke(MAIN, { method: 'messages.list', input: {} });
    expect(s.calls.map((c) => c.caller.role)).toEqual(['owner', 'public']);
  });

  it('a malformed request is BAD_REQUEST; an unknown method goes to the router (which says NOT_FOUND)', async () => {
    const s = setup({ reply: (method) => ({ ok: false, code: 'NOT_FOUND', message: `no such method: ${method}` }) });
    for (const bad of [undefined, null, 'vault.status', { method: 42 }, { method: 'x'.repeat(101) }]) {
      expect(await s.ipcMain.invoke(MAIN, bad)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    }
    expect(s.calls).toEqual([]);
    expect(await s.ipcMain.invoke(MAIN, { method: 'vault.explode', input: {} })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });

  it('a router that throws still gets a Reply back to the window, never a rejection', async () => {
    const s = setup({
      reply: () => {
        throw new Error('boom');
      },
    });
    expect(await s.ipcMain.invoke(MAIN, { method: 'vault.status', input: {} })).toMatchObject({
      ok: false,
      code: 'INTERNAL',
    });
    expect(s.log.lines.some((l) => l.level === 'error' && l.fields?.error === 'boom')).toBe(true);
  });

  it('unregistering removes the handler and stops the events', () => {
    const s = setup({ unlocked: true });
    s.unregister();
    expect(s.ipcMain.handlers.size).toBe(0);
    s.app.events.emit('outbox.progress', { pending: 1, sent: 0, failed: 0 });
    expect(s.contents.current!.sent).toEqual([]);
  });
});

describe('registerIpc: every method of the contract', () => {
  it('routes each METHOD_NAMES entry, with its input, to the router', async () => {
    const s = setup({ unlocked: true });
    for (const method of METHOD_NAMES) {
      const reply = await s.ipcMain.invoke(MAIN, { method, input: { probe: method } });
      expect(reply).toEqual({ ok: true, data: { method } });
    }
    expect(s.calls.map((c) => c.method)).toEqual(METHOD_NAMES);
    expect(s.calls.every((c) => (c.input as { probe: string }).probe === c.method)).toBe(true);
    expect(s.replies).toEqual(METHOD_NAMES);
  });
});

describe('registerIpc: events to the window', () => {
  it('forwards every event as { event, payload } on the event channel while unlocked', () => {
    const s = setup({ unlocked: true });
    s.app.events.emit('outbox.progress', { pending: 2, sent: 1, failed: 0 });
    s.app.events.emit('warning.awaiting', { planId: 'p1', level: 2, at: 5, kind: 'warning' });
    expect(s.contents.current!.sent).toEqual([
      { channel: EVENT_CHANNEL, args: [{ event: 'outbox.progress', payload: { pending: 2, sent: 1, failed: 0 } }] },
      {
        channel: EVENT_CHANNEL,
        args: [{ event: 'warning.awaiting', payload: { planId: 'p1', level: 2, at: 5, kind: 'warning' } }],
      },
    ]);
  });

  it('while locked, only the lock state reaches the window', () => {
    const s = setup({ unlocked: false });
    s.app.events.emit('plan.stateChanged', { planId: 'p1', from: 'armed', to: 'warning', reason: 'tick' });
    s.app.events.emit('vault.lockChanged', { unlocked: false });
    expect(s.contents.current!.sent.map((m) => (m.args[0] as { event: string }).event)).toEqual(['vault.lockChanged']);
  });

  it('nothing is sent to a destroyed window, a closed one, or one that is not showing the app', () => {
    const s = setup({ unlocked: true });
    const contents = s.contents.current!;
    contents.destroyed = true;
    s.app.events.emit('outbox.progress', { pending: 0, sent: 0, failed: 0 });
    contents.destroyed = false;
    contents.url = 'https://evil.example/';
    s.app.events.emit('outbox.progress', { pending: 0, sent: 0, failed: 0 });
    expect(contents.sent).toEqual([]);
    s.contents.current = null;
    expect(() => s.app.events.emit('outbox.progress', { pending: 0, sent: 0, failed: 0 })).not.toThrow();
  });

  it('a window that fails to receive is logged, and the next event still goes out', () => {
    const s = setup({ unlocked: true });
    const contents = s.contents.current!;
    let fail = true;
    const send = contents.send.bind(contents);
    contents.send = (channel, ...args) => {
      if (fail) {
        fail = false;
        throw new Error('render process gone');
      }
      send(channel, ...args);
    };
    s.app.events.emit('outbox.progress', { pending: 0, sent: 0, failed: 0 });
    s.app.events.emit('outbox.progress', { pending: 1, sent: 0, failed: 0 });
    expect(contents.sent).toHaveLength(1);
    expect(s.log.lines.some((l) => l.level === 'warn' && l.fields?.error === 'render process gone')).toBe(true);
  });
});
