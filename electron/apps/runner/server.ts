import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { AppCore } from '../../core/api/app-core.js';
import { createRouter } from '../../core/api/router.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Logger } from '../../core/ports/logger.js';
import { authenticate, type AuthDeps } from './auth.js';
import { registerCheckinRoutes } from './checkin-routes.js';
import { FakeClock } from '../../node/fake-clock.js';
import { attachEventSocket } from './events-socket.js';
import type { RunnerMetrics } from './metrics.js';
import { Origins } from './origins.js';
import { uiNotBuiltPage } from './pages.js';
import { runnerUiCsp, SERVER_PAGE_CSP } from '../../../shared/content-security-policy.js';
import { cookieName, registerRpcRoutes } from './rpc-routes.js';
import type { Env, RunnerContext } from './runner-context.js';
import { AppScheduler } from '../../core/api/app-scheduler.js';
import { Sessions } from './sessions.js';
import { autoLockMs } from '../../core/api/auto-lock-setting.js';
import { findStaticFile, isTraversal } from '../../node/static-files.js';
import { healthProblem } from './health.js';
import { readVaultFacts } from './vault-facts.js';
import { newSetupToken, SetupToken } from './setup-token.js';

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface RunnerOptions {
  app: AppCore;
  host: string;
  port: number;
  /** Where people reach this runner (reverse proxy, https): its origin is accepted, links use it. */
  publicUrl?: string;
  /** The built UI (dist/renderer); a small status page is served when it is absent. */
  rendererDir?: string;
  clock: Clock;
  /** AFTERWORD_ALLOW_FAKE_CLOCK=1: enables POST /api/test/clock when `clock` is a FakeClock. */
  allowFakeClock?: boolean;
  /** Tests: session lifetime and the time sessions expire by (real time by default). */
  sessionTtlMs?: number;
  sessionNow?: () => number;
  /**
   * Largest request body. 8 MiB: a message body may be 2 Mi characters (up to 3 bytes each in
   * UTF-8, more when JSON-escaped), so the 1 MiB usual for JSON APIs would refuse valid input.
   */
  maxBodyBytes?: number;
  /** node-cron expression for the scheduler loop; every minute by default. */
  schedulerCron?: string;
  /** Check every reply against the contract (tests). */
  validateOutput?: boolean;
  logger?: Logger;
  /** The setup token to require while no vault exists (a script's choice); a random one otherwise. */
  setupToken?: string;
  /** `serve --standby`: no vault may be created here; /healthz shows the standby's facts. */
  standby?: RunnerStandby;
}

/** What the runner of a standby asks of it. */
export interface RunnerStandby {
  /** The standby's state and the lease as it sees them (shown by /healthz). */
  facts(): object;
  /** One poll now (the test clock moved): before the scheduler's pass, so the lease is current. */
  pollNow(): Promise<void>;
}

export interface Runner {
  url: string;
  port: number;
  /** While no vault exists: the one-time token that creating it over HTTP needs (null once it exists). */
  readonly setupToken: string | null;
  /** The address to open: with `?setup=TOKEN` while no vault exists. */
  readonly openUrl: string;
  /** Stops the scheduler loop of the current engine, the sends on the wire finished first. */
  pauseScheduler(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * `afterword serve`: the RPC contract over HTTP (POST /api/rpc/:method) and over the owner's
 * WebSocket (/api/events, which also pushes the events; frames in socket-frames.ts),
 * check-in links, /healthz and /metrics, and the UI's static files; plus the scheduler loop on the
 * vault whenever its key is available.
 */
export async function startRunner(options: RunnerOptions): Promise<Runner> {
  const { app, clock } = options;
  // Open the vault first (a device key starts the engine, and with it the scheduler below).
  if (app.exists()) {
    await app.open().catch((error: unknown) => {
      // An older copy than this machine last saw: the UI explains it and offers to open it anyway.
      if (app.olderCopy === null) throw error;
      options.logger?.warn(
        'the vault is older than the copy this machine last saw: waiting for the owner to open it in the UI (or --accept-older-vault)',
      );
    });
  }
  const secureCookie = options.publicUrl?.startsWith('https:') ?? false;
  const sessions = new Sessions({
    ttlMs: options.sessionTtlMs,
    now: options.sessionNow,
    idleMs: () => autoLockMs(app),
  });
  const auth: AuthDeps = { app, sessions, clock, cookieName: cookieName(secureCookie) };
  const scheduler = new AppScheduler(app, {
    cron: options.schedulerCron,
    publicUrl: options.publicUrl,
    logger: options.logger,
  });
  let origins: Origins | null = null;
  const ctx: RunnerContext = {
    app,
    router: createRouter(app, { validateOutput: options.validateOutput, logger: options.logger }),
    sessions,
    auth,
    origins: () => origins!,
    secureCookie,
    scheduler,
    clock,
    testClock: options.allowFakeClock && clock instanceof FakeClock ? clock : null,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    setup: new SetupToken(app.exists() || options.standby ? null : (options.setupToken ?? newSetupToken()), clock),
    standby: options.standby ?? null,
  };
  // prom-client loads on the first scrape, not with every start of the runner.
  let metrics: Promise<RunnerMetrics> | null = null;
  const metricsOnce = (): Promise<RunnerMetrics> =>
    (metrics ??= import('./metrics.js').then(
      ({ RunnerMetrics: Metrics }) => new Metrics(app, clock, () => scheduler.running),
    ));
  const rendererDir =
    options.rendererDir && existsSync(join(options.rendererDir, 'index.html')) ? options.rendererDir : null;
  let closing = false;

  const hono = new Hono<Env>();
  hono.use('*', async (c, next) => {
    if (closing) {
      c.header('Connection', 'close');
      return c.json({ ok: false, code: 'INTERNAL', message: 'Afterword is stopping' }, 503);
    }
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (c.req.path.startsWith('/api/') || c.req.path === '/metrics' || c.req.path === '/healthz')
      c.header('Cache-Control', 'no-store');
  });
  hono.onError((error, c) => {
    options.logger?.error('request failed', { path: c.req.path, error: error.message });
    return c.json(
      { ok: false, code: 'INTERNAL', message: 'something went wrong inside Afterword; details are in its log' },
      500,
    );
  });

  registerRpcRoutes(hono, ctx);
  registerCheckinRoutes(hono, ctx);

  hono.get('/healthz', async (c) => {
    const facts = await readVaultFacts(app, clock);
    const problem = healthProblem(facts, scheduler.running, scheduler.progress, clock.now());
    const body = {
      ok: problem === null,
      vault: facts.vault,
      lastTickAgeMs: facts.lastTickAgeMs,
      scheduler: scheduler.running ? 'running' : 'stopped',
      ...(options.standby ? { standby: options.standby.facts() } : {}),
    };
    return c.json(problem === null ? body : { ...body, reason: problem }, problem === null ? 200 : 503);
  });

  hono.get('/metrics', async (c) => {
    const who = await authenticate(auth, {
      authorization: c.req.header('authorization'),
      cookie: c.req.header('cookie'),
    });
    if (!who.ok || who.caller.role === 'public')
      return c.text('a monitor token (Authorization: Bearer …) or an owner session is needed\n', 401);
    if (who.caller.role !== 'monitor' && who.caller.role !== 'owner')
      return c.text(`a ${who.caller.role} token may not read metrics\n`, 403);
    const registry = await metricsOnce();
    return c.body(await registry.render(), 200, { 'Content-Type': registry.contentType });
  });

  hono.get('*', async (c) => {
    if (isTraversal(c.env.incoming.url ?? '/')) return c.text('Not found\n', 404);
    if (!rendererDir) {
      const last = c.req.path.split('/').pop() ?? '';
      if (last.includes('.')) return c.text('Not found\n', 404);
      const facts = await readVaultFacts(app, clock);
      c.header('Content-Security-Policy', SERVER_PAGE_CSP);
      c.header('Cache-Control', 'no-store');
      return c.html(uiNotBuiltPage(facts));
    }
    // Every refusal is a 404 here: a web client learns nothing about what lies outside the UI.
    const file = await findStaticFile(rendererDir, new URL(c.req.url).pathname);
    if (!file.ok) return c.text('Not found\n', 404);
    if (file.isHtml) c.header('Content-Security-Policy', runnerUiCsp(origins!.webSocketOrigins()));
    // index.html is revalidated; the hashed assets may be cached.
    c.header('Cache-Control', file.isHtml ? 'no-cache' : 'public, max-age=3600');
    return c.body(new Uint8Array(await readFile(file.path)), 200, { 'Content-Type': file.contentType });
  });

  const server = createAdaptorServer({ fetch: hono.fetch, hostname: options.host }) as Server;
  const events = attachEventSocket(server, ctx, options.logger);
  // After the event socket's listener, so a UI hears `vault.lockChanged` before its socket closes.
  const stopLockWatch = app.events.subscribe((name, payload) => {
    if (name === 'vault.lockChanged' && !(payload as { unlocked: boolean }).unlocked) sessions.revokeAll();
  });
  let port: number;
  try {
    port = await listen(server, options.port, options.host);
  } catch (error) {
    stopLockWatch();
    events.close();
    await scheduler.stop();
    throw error;
  }
  origins = new Origins(options.host, port, options.publicUrl);

  let closed: Promise<void> | null = null;
  const url = `${origins.url}/`;
  return {
    url,
    port,
    get setupToken() {
      return ctx.setup.value;
    },
    get openUrl() {
      const token = ctx.setup.value;
      return token ? `${url}?setup=${encodeURIComponent(token)}` : url;
    },
    pauseScheduler: () => scheduler.pause(),
    close() {
      closed ??= (async () => {
        closing = true;
        const httpDone = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        events.close();
        await scheduler.stop(); // waits for the send in flight
        stopLockWatch();
        sessions.revokeAll();
        // Requests still running get a moment to finish; then their connections are cut.
        const grace = setTimeout(() => server.closeAllConnections(), 2000);
        await httpDone;
        clearTimeout(grace);
        await app.close();
      })();
      return closed;
    },
  };
}
