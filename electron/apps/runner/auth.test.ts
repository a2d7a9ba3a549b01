// Who may do what over HTTP: every route against every kind of caller, session lifetime (expiry,
// lock, logout), the login backoff, CSRF rules, and the event socket's authentication.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT, METHOD_NAMES } from '../../../shared/contract/methods.js';
import { SESSION_ENDED } from './events-socket.js';
import { SESSION_COOKIE } from './rpc-routes.js';
import { HttpClient } from './test-support/http-client.js';
import { openEvents } from './test-support/events-client.js';
import { PASSWORD, startFixture, startWithVault, type RunnerFixture } from './test-support/runner-fixture.js';

const OWNER_ONLY = METHOD_NAMES.filter((m) => !CONTRACT[m].roles.includes('public'));

describe('auth matrix', () => {
  let f: RunnerFixture;
  let owner: HttpClient;
  let checkin: HttpClient;
  let monitor: HttpClient;
  let anonymous: HttpClient;
  let checkinToken: string;

  beforeAll(async () => {
    ({ f, owner } = await startWithVault());
    checkinToken = (await owner.data<{ token: string }>('tokens.create', { role: 'checkin', label: 'phone' })).token;
    checkin = HttpClient.bearer(f.base, checkinToken);
    monitor = HttpClient.bearer(
      f.base,
      (await owner.data<{ token: string }>('tokens.create', { role: 'monitor', label: 'grafana' })).token,
    );
    anonymous = f.client();
  });
  afterAll(() => f.close());

  it('no credentials: every owner method is 401 UNAUTHORIZED', async () => {
    for (const method of OWNER_ONLY) {
      const { status, reply } = await anonymous.rpc(method, {});
      expect({ method, status, code: reply.ok ? 'OK' : reply.code }).toEqual({
        method,
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
    expect((await anonymous.post('/api/checkin')).status).toBe(401);
    expect((await anonymous.request('/metrics')).status).toBe(401);
    await expect(openEvents(f.base)).rejects.toThrow('HTTP 401');
  });

  it('a checkin token may check in and nothing else (403)', async () => {
    for (const method of OWNER_ONLY) {
      const { status, reply } = await checkin.rpc(method, {});
      const expected = method === 'checkin' ? { status: 200, code: 'OK' } : { status: 403, code: 'FORBIDDEN' };
      expect({ method, status, code: reply.ok ? 'OK' : reply.code }).toEqual({ method, ...expected });
    }
    const direct = await checkin.request('/api/checkin', { method: 'POST' }); // no body, no content type: a phone shortcut
    expect(direct.status).toBe(200);
    expect(direct.json).toMatchObject({ ok: true, data: { at: expect.any(Number) } });
    expect((await checkin.request('/metrics')).status).toBe(403);
    await expect(openEvents(f.base, { authorization: `Bearer ${checkinToken}` })).rejects.toThrow('HTTP 401');
  });

  it('a monitor token may read status and metrics and nothing else (403)', async () => {
    for (const method of OWNER_ONLY) {
      const { status, reply } = await monitor.rpc(method, {});
      const expected = method === 'status.get' ? { status: 200, code: 'OK' } : { status: 403, code: 'FORBIDDEN' };
      expect({ method, status, code: reply.ok ? 'OK' : reply.code }).toEqual({ method, ...expected });
    }
    expect((await monitor.post('/api/checkin')).status).toBe(403);
    const metrics = await monitor.request('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('afterword_plan_level');
  });

  it('an unknown or malformed bearer token is 401 everywhere, never treated as public', async () => {
    for (const header of ['Bearer aw_checkin_not-a-real-token', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const client = new HttpClient(f.base, { authorization: header });
      expect((await client.rpc('vault.status', {})).status).toBe(401);
      expect((await client.rpc('checkin', {})).status).toBe(401);
      expect((await client.post('/api/checkin')).status).toBe(401);
      expect((await client.request('/metrics')).status).toBe(401);
    }
  });

  it('the owner session reaches owner methods, /api/checkin, /metrics and the event socket', async () => {
    expect((await owner.rpc('messages.list', {})).status).toBe(200);
    expect((await owner.post('/api/checkin', {})).status).toBe(200);
    expect((await owner.request('/metrics')).status).toBe(200);
    const events = await openEvents(f.base, { cookie: owner.cookieHeader });
    events.ws.close();
    expect((await events.closed).code).toBe(1005);
  });

  it('the session cookie is HttpOnly, SameSite=Strict, Path=/ (Secure only behind https)', async () => {
    const tab = f.client();
    const { headers } = await tab.rpc('vault.unlock', { password: PASSWORD });
    const cookie = headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('CSRF: cookie calls must be JSON; a foreign Origin is refused on POST and on the socket', async () => {
    const form = await owner.request('/api/rpc/messages.list', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(form.status).toBe(415);
    expect(form.json).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(
      (
        await owner.request('/api/checkin', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).status,
    ).toBe(415);
    expect((await owner.request('/api/logout', { method: 'POST' })).status).toBe(415);
    const foreign = await owner.rpc('messages.list', {}, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.reply).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // A page rebinding a name to 127.0.0.1 is still a foreign origin, even for public methods.
    expect(
      (await f.client().rpc('vault.status', {}, { origin: `http://rebind.example:${f.runner.port}` })).status,
    ).toBe(403);
    expect((await owner.rpc('messages.list', {}, { origin: new URL(f.base).origin })).status).toBe(200);
    expect((await owner.rpc('messages.list', {}, { origin: `http://localhost:${f.runner.port}` })).status).toBe(200);
    await expect(openEvents(f.base, { cookie: owner.cookieHeader, origin: 'https://evil.example' })).rejects.toThrow(
      'HTTP 403',
    );
    const ours = await openEvents(f.base, { cookie: owner.cookieHeader, origin: new URL(f.base).origin });
    ours.ws.close();
  });

  it('bodies over the limit get 413 with a Reply; broken JSON gets 400', async () => {
    const huge = await owner.request('/api/rpc/messages.create', {
      method: 'POST',
      body: JSON.stringify({ title: 'x', body: 'y'.repeat(9 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    const broken = await owner.request('/api/rpc/messages.list', {
      method: 'POST',
      body: '{"limit": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.json).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect((await owner.request('/api/rpc/messages.list')).status).toBe(404); // GET
    expect((await owner.post('/api/nope', {})).json).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});

describe('session lifetime', () => {
  it('an expired session cookie is 401, and a tampered one too', async () => {
    let now = Date.now();
    const { f, owner } = await startWithVault({ runner: { sessionTtlMs: 60_000, sessionNow: () => now } });
    try {
      expect((await owner.rpc('messages.list', {})).status).toBe(200);
      const cookie = owner.cookie(SESSION_COOKIE)!;
      const forged = f.client();
      const [h, p] = cookie.split('.');
      forged.setCookie(SESSION_COOKIE, `${h}.${p}.${'A'.repeat(43)}`);
      expect((await forged.rpc('messages.list', {})).status).toBe(401);
      now += 61_000;
      const { status, reply } = await owner.rpc('messages.list', {});
      expect(status).toBe(401);
      expect(reply).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    } finally {
      await f.close();
    }
  });

  it("a session idle for the auto-lock minutes ends; the dashboard's polling does not keep it alive, the scheduler runs on", async () => {
    let now = Date.now();
    const { f, owner } = await startWithVault({ runner: { sessionNow: () => now } });
    try {
      await owner.data('settings.set', { autoLockMinutes: 5 });
      // Activity keeps it: four minutes, a call, four more minutes.
      now += 4 * 60_000;
      expect((await owner.rpc('messages.list', {})).status).toBe(200);
      now += 4 * 60_000;
      expect((await owner.rpc('messages.list', {})).status).toBe(200);
      // Only polling for five minutes: the session is over.
      for (let i = 0; i < 5; i++) {
        now += 60_000;
        await owner.rpc('status.get', {});
      }
      const { status, reply } = await owner.rpc('messages.list', {});
      expect(status).toBe(401);
      expect(reply).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
      // The key stays with the scheduler: a check-in token still works.
      const token = f.app.keyedServices().tokens.create('checkin', 'phone').token;
      const checkin = await f
        .client()
        .request('/api/checkin', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(checkin.status).toBe(200);
      // 0 minutes: never locks.
      await owner.data('vault.unlock', { password: PASSWORD });
      await owner.data('settings.set', { autoLockMinutes: 0 });
      now += 2 * 60 * 60_000;
      expect((await owner.rpc('messages.list', {})).status).toBe(200);
    } finally {
      await f.close();
    }
  });

  it('logout ends that session only (and its socket); lock ends every session and every socket', async () => {
    const { f, owner } = await startWithVault();
    try {
      const other = f.client();
      await other.data('vault.unlock', { password: PASSWORD });
      const ownerEvents = await openEvents(f.base, { cookie: owner.cookieHeader });
      const otherEvents = await openEvents(f.base, { cookie: other.cookieHeader });
      const stale = owner.cookie(SESSION_COOKIE)!;

      const out = await owner.post('/api/logout', {});
      expect(out.status).toBe(200);
      expect(owner.cookie(SESSION_COOKIE)).toBeUndefined();
      expect((await ownerEvents.closed).code).toBe(SESSION_ENDED);
      const replay = f.client();
      replay.setCookie(SESSION_COOKIE, stale); // the old cookie, kept by someone
      expect((await replay.rpc('messages.list', {})).status).toBe(401);
      expect((await other.rpc('messages.list', {})).status).toBe(200);

      await other.data('vault.lock', {});
      expect(await otherEvents.waitFor('vault.lockChanged')).toEqual({ unlocked: false });
      expect((await otherEvents.closed).code).toBe(SESSION_ENDED);
      expect((await other.rpc('messages.list', {})).status).toBe(401);
      expect((await f.client().rpc('vault.status', {})).reply).toMatchObject({ ok: true, data: { unlocked: false } });
    } finally {
      await f.close();
    }
  });

  it('a lock from elsewhere (AppCore event) ends the sessions too', async () => {
    const { f, owner } = await startWithVault();
    try {
      f.app.lock();
      expect((await owner.rpc('messages.list', {})).status).toBe(401);
    } finally {
      await f.close();
    }
  });

  it('events reach the owner socket as { event, payload }', async () => {
    const { f, owner } = await startWithVault();
    try {
      const events = await openEvents(f.base, { cookie: owner.cookieHeader });
      await owner.data('plans.pause', { until: f.clock.now() + 86_400_000 });
      expect(await events.waitFor('plan.stateChanged')).toMatchObject({ to: 'paused' });
      events.ws.close();
    } finally {
      await f.close();
    }
  });
});

describe('login backoff over HTTP', () => {
  it('five wrong passwords are 401, the sixth is 429 with Retry-After; the vault keeps counting', async () => {
    const f = await startFixture();
    try {
      await f.client().data('vault.create', { password: PASSWORD });
      f.app.lock();
      const tab = f.client();
      for (let i = 0; i < 5; i++) {
        const { status, reply } = await tab.rpc('vault.unlock', { password: `wrong ${i}` });
        expect({ status, code: reply.ok ? 'OK' : reply.code }).toEqual({ status: 401, code: 'WRONG_PASSWORD' });
      }
      const locked = await tab.rpc('vault.unlock', { password: PASSWORD });
      expect(locked.status).toBe(429);
      expect(locked.reply).toMatchObject({ ok: false, code: 'LOCKED_OUT' });
      expect(Number(locked.headers.get('retry-after'))).toBe(30);
      expect(tab.cookie(SESSION_COOKIE)).toBeUndefined();
      const status = await tab.data<{ retryAfterMs: number }>('vault.status', {});
      expect(status.retryAfterMs).toBe(30_000);
    } finally {
      await f.close();
    }
  });
});
