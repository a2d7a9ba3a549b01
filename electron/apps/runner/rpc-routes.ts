import type { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import * as z from 'zod';
import type { Reply } from '../../../shared/contract/reply.js';
import { describeIssue } from '../../../shared/validation.js';
import { authenticate, type Authentication } from './auth.js';
import { failWith, isJson, readJsonBody, replyWith, type Ctx, type Env, type RunnerContext } from './runner-context.js';
import { SIGN_IN } from './sessions.js';

export const SESSION_COOKIE = 'afterword_session';
export const cookieName = (secure: boolean): string => (secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);

const testClockInput = z
  .object({
    set: z
      .string()
      .max(64)
      .refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 date')
      .optional(),
    advanceMs: z
      .number()
      .int()
      .min(0)
      .max(3650 * 86_400_000)
      .optional(),
  })
  .strict();

function headersOf(c: Ctx): { authorization?: string; cookie?: string } {
  return { authorization: c.req.header('authorization'), cookie: c.req.header('cookie') };
}

/**
 * Every POST under /api: a browser's Origin must be ours; a cookie-authenticated call must be
 * JSON (a cross-site form cannot send that without a CORS preflight, which is never answered).
 */
type Authenticated = Extract<Authentication, { ok: true }>;

async function gate(
  ctx: RunnerContext,
  c: Ctx,
  options: { json: 'always' | 'cookie' },
): Promise<Authenticated | Response> {
  const origin = c.req.header('origin');
  if (origin !== undefined && !ctx.origins().allows(origin)) {
    return failWith(c, 'FORBIDDEN', `requests from ${origin} are not accepted: open Afterword at ${ctx.origins().url}`);
  }
  const auth = await authenticate(ctx.auth, headersOf(c));
  if (!auth.ok) return failWith(c, 'UNAUTHORIZED', auth.message);
  if (!isJson(c) && (options.json === 'always' || auth.via === 'cookie')) {
    return failWith(c, 'BAD_REQUEST', 'send the request as JSON (Content-Type: application/json)', 415);
  }
  return auth;
}

/**
 * Creating the vault over HTTP needs the one-time token the runner printed on its console: the
 * first visitor of the port must not become the owner. A wrong token counts toward a backoff.
 */
function checkSetupToken(ctx: RunnerContext, c: Ctx, input: unknown): Response | null {
  const { setup } = ctx;
  if (ctx.app.exists()) {
    // The handler says a vault exists; a token, if any, opens nothing from now on.
    setup.retire();
    return null;
  }
  const presented =
    input !== null && typeof input === 'object' ? (input as { setupToken?: unknown }).setupToken : undefined;
  const checked = setup.check(presented);
  if (checked.ok) return null;
  if (checked.reason === 'locked-out') {
    c.header('Retry-After', String(Math.max(1, Math.ceil(checked.retryAfterMs / 1000))));
    return failWith(
      c,
      'LOCKED_OUT',
      `too many wrong setup links: try again in ${Math.ceil(checked.retryAfterMs / 1000)} s`,
    );
  }
  const why = {
    missing:
      'creating the vault needs the setup link: open the link printed in the terminal where `afterword serve` runs (…/?setup=…)',
    wrong: 'this setup link is not the one `afterword serve` printed: open the link printed in its terminal',
    // The vault vanished after start (or was created and removed): no link is valid any more.
    retired:
      'this runner printed no setup link that still works: restart `afterword serve` and open the link it prints',
  }[checked.reason];
  return failWith(c, 'SETUP_TOKEN_REQUIRED', why);
}

export function registerRpcRoutes(hono: Hono<Env>, ctx: RunnerContext): void {
  const { app, router, sessions } = ctx;
  const name = cookieName(ctx.secureCookie);

  const finish = async (c: Ctx, method: string, reply: Reply<unknown>): Promise<Response> => {
    if (reply.ok && SIGN_IN.has(method)) {
      const { token } = await sessions.issue();
      setCookie(c, name, token, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        secure: ctx.secureCookie,
        maxAge: Math.floor(sessions.ttlMs / 1000),
      });
    }
    if (reply.ok && method === 'vault.create') ctx.setup.retire();
    if (reply.ok && method === 'vault.lock') deleteCookie(c, name, { path: '/', secure: ctx.secureCookie });
    if (!reply.ok && reply.code === 'LOCKED_OUT') {
      let retryAfterMs = 1000;
      try {
        const vault = app.vaultOrThrow();
        const guard = method === 'vault.recover' ? vault.recoveryGuard : vault.guard;
        retryAfterMs = guard.state().retryAfterMs;
      } catch {
        // No vault open: keep the minimum.
      }
      c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    }
    return replyWith(c, reply);
  };

  hono.post('/api/rpc/:method', async (c) => {
    const auth = await gate(ctx, c, { json: 'always' });
    if (auth instanceof Response) return auth;
    const body = await readJsonBody(c, ctx.maxBodyBytes);
    if (!body.ok) return body.response;
    const method = c.req.param('method');
    if (method === 'vault.create') {
      const refused = checkSetupToken(ctx, c, body.value);
      if (refused) return refused;
    }
    if (auth.via === 'cookie') sessions.touch(auth.session.jti, method);
    return finish(c, method, await router.call(method, body.value, auth.caller));
  });

  hono.post('/api/checkin', async (c) => {
    const auth = await gate(ctx, c, { json: 'cookie' });
    if (auth instanceof Response) return auth;
    return finish(c, 'checkin', await router.call('checkin', {}, auth.caller));
  });

  hono.post('/api/logout', async (c) => {
    const auth = await gate(ctx, c, { json: 'cookie' });
    if (auth instanceof Response) return auth;
    if (auth.via === 'cookie') sessions.revoke(auth.session.jti);
    deleteCookie(c, name, { path: '/', secure: ctx.secureCookie });
    return replyWith(c, { ok: true, data: { ok: true } });
  });

  hono.post('/api/test/clock', async (c) => {
    const clock = ctx.testClock;
    if (!clock) return failWith(c, 'NOT_FOUND', 'no such endpoint');
    const auth = await gate(ctx, c, { json: 'always' });
    if (auth instanceof Response) return auth;
    // Moving time drives warnings and deliveries: the owner or a token holder only, even in tests.
    // A standby that follows has no vault, so no owner yet: there, time drives only its lease.
    const followingStandby = ctx.standby !== null && !ctx.app.exists();
    if (auth.caller.role === 'public' && !followingStandby)
      return failWith(c, 'UNAUTHORIZED', 'sign in, or send a token, to move the test clock');
    const body = await readJsonBody(c, 4096);
    if (!body.ok) return body.response;
    const parsed = testClockInput.safeParse(body.value ?? {});
    if (!parsed.success) return failWith(c, 'BAD_REQUEST', describeIssue(parsed.error));
    if (parsed.data.set !== undefined) clock.set(Date.parse(parsed.data.set));
    if (parsed.data.advanceMs !== undefined) clock.advance(parsed.data.advanceMs);
    await ctx.standby?.pollNow();
    await ctx.scheduler.runNow('test-clock');
    const now = clock.now();
    return replyWith(c, { ok: true, data: { now, iso: new Date(now).toISOString() } });
  });

  hono.all('/api/*', (c) =>
    failWith(
      c,
      'NOT_FOUND',
      c.req.method === 'POST' ? `no such endpoint: ${c.req.path}` : `use POST for ${c.req.path}`,
    ),
  );
}
