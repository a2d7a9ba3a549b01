// /healthz, /metrics, static files (and traversal attempts), the placeholder page, security
// headers, and the test-only clock.
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/test-support/manual-clock.js';
import { FakeClock } from '../../node/fake-clock.js';
import { isTraversal } from '../../node/static-files.js';
import { openEvents } from './test-support/events-client.js';
import { PASSWORD, startFixture, startWithVault, T0, type RunnerFixture } from './test-support/runner-fixture.js';

/** A request with the target sent exactly as written (fetch would normalize `..` away). */
function rawGet(base: string, target: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: target, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function metric(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('/healthz and /metrics', () => {
  let f: RunnerFixture;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(T0);
    f = await startFixture({ clock });
  });
  afterAll(() => f.close());

  it('reports the vault state and the age of the last tick, to anyone', async () => {
    const anon = f.client();
    expect((await anon.request('/healthz')).json).toEqual({
      ok: true,
      vault: 'missing',
      lastTickAgeMs: null,
      scheduler: 'stopped',
    });
    const owner = f.client();
    await owner.data('vault.create', { password: PASSWORD });
    const health = await waitFor(
      async () => (await anon.request('/healthz')).json as { lastTickAgeMs: number | null },
      (h) => h.lastTickAgeMs !== null,
    );
    expect(health).toEqual({ ok: true, vault: 'unlocked', lastTickAgeMs: 0, scheduler: 'running' });
    clock.advance(5000);
    expect((await anon.request('/healthz')).json).toMatchObject({ lastTickAgeMs: 5000 });

    const level = { waitMs: 60_000, channels: ['desktop'] };
    const plan = await owner.data<{ id: string }>('plans.create', {
      name: 'P',
      intervalMs: 60_000,
      levels: [level, level, level, level, level],
    });
    const kin = await owner.data<{ id: string }>('recipients.create', {
      name: 'Kin',
      type: 'email',
      contact: 'kin@example.org',
    });
    await owner.data('messages.create', { title: 'M', body: 'b', recipientIds: [kin.id], planId: plan.id });
    for (let i = 0; i < 3; i++) {
      await f.app.engineOrThrow().runOnce('test');
      clock.advance(61_000);
    }
    await f.app.engineOrThrow().runOnce('test');
    clock.advance(2000);
    await anon.rpc('vault.unlock', { password: 'wrong password' });

    const monitorToken = (
      await owner.data<{ token: string }>('tokens.create', { role: 'monitor', label: 'prometheus' })
    ).token;
    const scrape = await f.client().request('/metrics', { headers: { authorization: `Bearer ${monitorToken}` } });
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = scrape.text;
    const db = f.app.vaultOrThrow().db.sqlite;
    const state = db.prepare('SELECT state, level FROM plan_state WHERE plan_id = ?').get(plan.id) as {
      state: string;
      level: number;
    };
    expect(state.level).toBeGreaterThan(0);
    expect(metric(text, 'afterword_plan_level', `{plan_id="${plan.id}"}`)).toBe(state.level);
    expect(metric(text, 'afterword_plan_state', `{plan_id="${plan.id}",state="${state.state}"}`)).toBe(1);
    expect(metric(text, 'afterword_scheduler_last_tick_age_seconds')).toBe(2);
    expect(metric(text, 'afterword_scheduler_running')).toBe(1);
    expect(metric(text, 'afterword_vault_state', '{state="unlocked"}')).toBe(1);
    const sent = db.prepare(`SELECT count(*) FROM delivery_attempts WHERE outcome = 'sent'`).pluck().get() as number;
    expect(sent).toBeGreaterThan(0);
    expect(metric(text, 'afterword_delivery_attempts_total', '{outcome="sent"}')).toBe(sent);
    expect(metric(text, 'afterword_delivery_attempts_total', '{outcome="failed"}')).toBe(0);
    const outbox = (status: string) =>
      db.prepare('SELECT count(*) FROM outbox WHERE status = ?').pluck().get(status) as number;
    for (const status of ['pending', 'sent', 'failed'])
      expect(metric(text, 'afterword_outbox_rows', `{status="${status}"}`)).toBe(outbox(status));
    expect(metric(text, 'afterword_unlock_failures')).toBe(1);
    // Names, addresses and titles stay out of the metrics.
    for (const secret of ['Kin', 'kin@example.org', '"P"']) expect(text).not.toContain(secret);
    // Owners may scrape too.
    expect((await owner.request('/metrics')).status).toBe(200);
  });

  it('answers 503 while the scheduler runs but has not completed a pass for over five minutes', async () => {
    await f.app.engineOrThrow().runOnce('test');
    clock.advance(5 * 60_000);
    const recent = await f.client().request('/healthz');
    expect(recent.status).toBe(200);
    expect(recent.json).toMatchObject({ ok: true, vault: 'unlocked', scheduler: 'running', lastTickAgeMs: 5 * 60_000 });
    clock.advance(60_000 + 1);
    const stale = await f.client().request('/healthz');
    expect(stale.status).toBe(503);
    expect(stale.json).toMatchObject({
      ok: false,
      vault: 'unlocked',
      scheduler: 'running',
      reason: 'the scheduler has not completed a pass for 6 minutes',
    });
    await f.app.engineOrThrow().runOnce('test');
    expect((await f.client().request('/healthz')).status).toBe(200);
  });

  it('keeps the scheduler running when the UI locks; once a restart took the key, 503 with the reason', async () => {
    f.app.lock();
    const locked = await f.client().request('/healthz');
    expect(locked.status).toBe(200);
    expect(locked.json).toMatchObject({ ok: true, vault: 'unlocked', scheduler: 'running' });
    await f.restart();
    const reply = await waitFor(
      async () => f.client().request('/healthz'),
      (r) => (r.json as { scheduler: string }).scheduler === 'stopped',
    );
    expect(reply.status).toBe(503);
    expect(reply.json).toMatchObject({
      ok: false,
      vault: 'locked',
      scheduler: 'stopped',
      reason: expect.stringMatching(/locked: nothing is warned or delivered/),
    });
  });
});

describe('static files', () => {
  let f: RunnerFixture;
  let site: string;
  beforeAll(async () => {
    site = await mkdtemp(join(tmpdir(), 'afterword-site-'));
    const dist = join(site, 'renderer');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Afterword UI</title><div id="root"></div>');
    await writeFile(join(dist, 'assets', 'app.js'), 'console.log("ui")');
    await writeFile(join(site, 'secret.txt'), 'TOP SECRET');
    await symlink(join(site, 'secret.txt'), join(dist, 'assets', 'link.txt'));
    f = await startFixture({ runner: { rendererDir: dist } });
  });
  afterAll(async () => {
    await f.close();
    await rm(site, { recursive: true, force: true });
  });

  it('serves the UI with a strict CSP, and index.html for client-side routes', async () => {
    const index = await f.client().request('/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('Afterword UI');
    const csp = index.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`ws://127.0.0.1:${f.runner.port}`);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await f.client().request('/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await f.client().request('/messages/abc')).text).toContain('Afterword UI');
    expect((await f.client().request('/assets/missing.js')).status).toBe(404);
  });

  it('traversal attempts in any spelling are 404 and never reach a file outside', async () => {
    const targets = [
      '/../secret.txt',
      '/../package.json',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2e%2e/package.json',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/assets/..\\..\\secret.txt',
      '/.%2e/secret.txt',
      '/assets/link.txt',
      '/%00',
      '/%E0%A4%A',
    ];
    for (const target of targets) {
      const r = await rawGet(f.base, target);
      // Node's own parser already refuses a raw backslash (400); everything else is our 404.
      expect({ target, status: r.status }).toEqual({ target, status: target.includes('\\') ? 400 : 404 });
      expect(r.body).not.toContain('TOP SECRET');
      expect(r.body).not.toContain('"name": "afterword"');
    }
  });

  it('isTraversal recognises every spelling of a parent segment', () => {
    for (const t of ['/..', '/../x', '/a/%2e%2e/x', '/a/.%2E/x', '/a%2fb', '/a%5cb', '/a\\b'])
      expect(isTraversal(t)).toBe(true);
    for (const t of ['/', '/assets/app.js', '/a..b', '/...', '/x?q=..']) expect(isTraversal(t)).toBe(false);
  });
});

describe('without a built UI', () => {
  it('serves a status page at / and 404 for files', async () => {
    const { f } = await startWithVault({ runner: { rendererDir: '/nonexistent/afterword-renderer' } });
    try {
      const page = await f.client().request('/');
      expect(page.status).toBe(200);
      expect(page.text).toContain('not built yet');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect((await f.client().request('/main.js')).status).toBe(404);
    } finally {
      await f.close();
    }
  });
});

describe('test clock', () => {
  it('is refused (404) unless fake clocks are allowed', async () => {
    const f = await startFixture({ clock: new FakeClock() });
    try {
      const r = await f.client().post('/api/test/clock', { advanceMs: 1000 });
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    } finally {
      await f.close();
    }
  });

  it('sets the wall clock or advances both clocks, then ticks', async () => {
    const clock = new FakeClock(T0);
    const { f, owner } = await startWithVault({ clock, runner: { allowFakeClock: true } });
    try {
      const mono = clock.monotonic();
      const anonymous = await f.client().post('/api/test/clock', { advanceMs: 86_400_000 });
      expect(anonymous.status).toBe(401);
      expect(anonymous.json).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
      expect(clock.now() - T0).toBeLessThan(60_000);
      const set = await owner.post('/api/test/clock', { set: '2032-01-01T00:00:00Z' });
      expect(set.status).toBe(200);
      expect((set.json as { data: { now: number } }).data.now - Date.UTC(2032, 0, 1)).toBeLessThan(1000);
      expect(clock.monotonic() - mono).toBeLessThan(1000);
      const before = clock.now();
      const advanced = await owner.post('/api/test/clock', { advanceMs: 86_400_000 });
      expect((advanced.json as { data: { now: number } }).data.now - before - 86_400_000).toBeLessThan(1000);
      expect(clock.monotonic() - mono).toBeGreaterThanOrEqual(86_400_000);
      const tick = f.app.vaultOrThrow().db.sqlite.prepare('SELECT source, at FROM scheduler_ticks').get() as {
        source: string;
        at: number;
      };
      expect(tick.source).toBe('test-clock');
      expect((await owner.post('/api/test/clock', { advanceMs: -5 })).status).toBe(400);
      expect((await owner.post('/api/test/clock', { set: 'yesterday' })).status).toBe(400);
    } finally {
      await f.close();
    }
  });
});

describe('scheduler events', () => {
  it('a run started by the test clock reports transitions, outbox progress and awaiting warnings on the socket', async () => {
    const clock = new FakeClock(T0);
    const { f, owner } = await startWithVault({ clock, runner: { allowFakeClock: true } });
    try {
      const level = { waitMs: 60_000, channels: ['desktop'] };
      const plan = await owner.data<{ id: string }>('plans.create', {
        name: 'P',
        intervalMs: 60_000,
        levels: [level, level, level, level, level],
      });
      const kin = await owner.data<{ id: string }>('recipients.create', {
        name: 'Kin',
        type: 'email',
        contact: 'kin@example.org',
      });
      await owner.data('messages.create', { title: 'M', body: 'b', recipientIds: [kin.id], planId: plan.id });
      const events = await openEvents(f.base, { cookie: owner.cookieHeader });
      for (let i = 0; i < 3; i++) await owner.post('/api/test/clock', { advanceMs: 61_000 });
      const changes = events.messages
        .filter((m) => m.event === 'plan.stateChanged')
        .map((m) => m.payload as { planId: string; to: string });
      expect(changes.filter((c) => c.planId === plan.id).length).toBeGreaterThanOrEqual(2);
      expect(await events.waitFor('warning.awaiting')).toMatchObject({ planId: plan.id, level: 1, kind: 'warning' });
      expect(await events.waitFor('outbox.progress')).toMatchObject({ sent: expect.any(Number) });
      events.ws.close();
    } finally {
      await f.close();
    }
  });
});

describe('FakeClock', () => {
  it('advance moves wall and monotonic; set moves only the wall', () => {
    const clock = new FakeClock(T0);
    expect(Math.abs(clock.now() - T0)).toBeLessThan(50);
    const mono = clock.monotonic();
    clock.advance(60_000);
    expect(clock.now() - T0).toBeGreaterThanOrEqual(60_000);
    expect(clock.monotonic() - mono).toBeGreaterThanOrEqual(60_000);
    const mono2 = clock.monotonic();
    clock.set(T0 - 3_600_000);
    expect(Math.abs(clock.now() - (T0 - 3_600_000))).toBeLessThan(50);
    expect(clock.monotonic() - mono2).toBeLessThan(50);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
