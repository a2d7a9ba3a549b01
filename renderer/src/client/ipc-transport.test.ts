import { describe, expect, it } from 'vitest';
import { ipcTransport, preloadApi } from './ipc-transport';
import type { EventMessage } from './transport';

describe('ipcTransport', () => {
  it('is chosen only when the preload exposes call and subscribe', () => {
    expect(preloadApi({})).toBeNull();
    expect(preloadApi({ afterword: { version: '1' } })).toBeNull();
    const api = { call: async () => ({ ok: true, data: 1 }), subscribe: () => () => {} };
    expect(preloadApi({ afterword: api })).toBe(api);
  });

  it('relays calls and checks the reply shape', async () => {
    const t = ipcTransport({ call: async (m, i) => ({ ok: true, data: [m, i] }), subscribe: () => () => {} });
    await expect(t.call('status.get', {})).resolves.toEqual({ ok: true, data: ['status.get', {}] });
    const broken = ipcTransport({ call: async () => 'nonsense', subscribe: () => () => {} });
    await expect(broken.call('status.get', {})).resolves.toMatchObject({ ok: false, code: 'INTERNAL' });
    const throwing = ipcTransport({
      call: async () => {
        throw new Error('gone');
      },
      subscribe: () => () => {},
    });
    await expect(throwing.call('status.get', {})).resolves.toMatchObject({ ok: false, code: 'INTERNAL' });
  });

  it('passes on contract events only', () => {
    let push: (m: unknown) => void = () => {};
    const t = ipcTransport({ call: async () => null, subscribe: (cb) => ((push = cb), () => {}) });
    const got: EventMessage[] = [];
    t.subscribe((m) => got.push(m));
    push({ event: 'warning.awaiting', payload: { planId: null, level: 1, at: 5 } });
    push({ event: 'nope', payload: {} });
    expect(got).toEqual([{ event: 'warning.awaiting', payload: { planId: null, level: 1, at: 5 } }]);
  });
});
