import { describe, expect, it } from 'vitest';
import { httpTransport } from './http-transport';

function fakeFetch(status: number, body: unknown, seen: { url: string; init: RequestInit }[] = []) {
  return (async (url: URL | RequestInfo, init?: RequestInit) => {
    seen.push({ url: String(url), init: init ?? {} });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  }) as typeof fetch;
}

const noSocket = () => {
  throw new Error('no sockets in this test');
};

describe('httpTransport', () => {
  it('POSTs JSON to api/rpc/:method relative to the page, with same-origin cookies', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const t = httpTransport({
      baseUrl: 'http://127.0.0.1:7420/',
      fetch: fakeFetch(200, { ok: true, data: { ok: true } }, seen),
      openSocket: noSocket,
    });
    await expect(t.call('vault.unlock', { password: 'pw' })).resolves.toEqual({ ok: true, data: { ok: true } });
    expect(seen[0]!.url).toBe('http://127.0.0.1:7420/api/rpc/vault.unlock');
    expect(seen[0]!.init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"password":"pw"}' });
    expect((seen[0]!.init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('reads the Reply from an error status', async () => {
    const t = httpTransport({
      baseUrl: 'http://x/',
      fetch: fakeFetch(429, { ok: false, code: 'LOCKED_OUT', message: 'wait' }),
      openSocket: noSocket,
    });
    await expect(t.call('vault.unlock', { password: 'pw' })).resolves.toEqual({
      ok: false,
      code: 'LOCKED_OUT',
      message: 'wait',
    });
  });

  it('turns a body that is not a Reply, or no answer at all, into INTERNAL', async () => {
    const html = httpTransport({
      baseUrl: 'http://x/',
      fetch: fakeFetch(502, '<html>bad gateway</html>'),
      openSocket: noSocket,
    });
    await expect(html.call('status.get', {})).resolves.toMatchObject({ ok: false, code: 'INTERNAL' });
    const odd = httpTransport({ baseUrl: 'http://x/', fetch: fakeFetch(200, { hello: 1 }), openSocket: noSocket });
    await expect(odd.call('status.get', {})).resolves.toMatchObject({ ok: false, code: 'INTERNAL' });
    const down = httpTransport({
      baseUrl: 'http://x/',
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
      openSocket: noSocket,
    });
    await expect(down.call('status.get', {})).resolves.toMatchObject({ ok: false, code: 'INTERNAL' });
  });

  it('says the connection is lost when a call gets no answer, and back when any answer comes', async () => {
    let up = false;
    const t = httpTransport({
      baseUrl: 'http://x/',
      fetch: (async () => {
        if (!up) throw new TypeError('Failed to fetch');
        return new Response(JSON.stringify({ ok: false, code: 'VAULT_LOCKED', message: 'locked' }), { status: 401 });
      }) as typeof fetch,
      openSocket: noSocket,
    });
    const seen: string[] = [];
    t.connection!.subscribe((state) => seen.push(state));
    expect(t.connection!.state).toBe('online');
    await t.call('status.get', {});
    expect(t.connection!.state).toBe('lost');
    await t.call('status.get', {});
    up = true;
    await t.call('status.get', {});
    expect(t.connection!.state).toBe('online');
    expect(seen).toEqual(['lost', 'online']);
  });

  it('opens the event socket at api/events with ws: or wss:', () => {
    const urls: string[] = [];
    const open = (url: string) => {
      urls.push(url);
      return { onopen: null, onmessage: null, onclose: null, onerror: null, close: () => {} };
    };
    httpTransport({ baseUrl: 'https://aw.example.org/sub/', fetch: fakeFetch(200, {}), openSocket: open }).subscribe(
      () => {},
    )();
    httpTransport({ baseUrl: 'http://127.0.0.1:7420/', fetch: fakeFetch(200, {}), openSocket: open }).subscribe(
      () => {},
    )();
    expect(urls).toEqual(['wss://aw.example.org/sub/api/events', 'ws://127.0.0.1:7420/api/events']);
  });
});
