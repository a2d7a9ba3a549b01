import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { AppCore } from '../../core/api/app-core.js';
import type { RpcRouter } from '../../core/api/router-types.js';
import type { Reply } from '../../../shared/contract/reply.js';
import type { ErrorCode } from '../../../shared/error-codes.js';
import type { Clock } from '../../core/ports/clock.js';
import type { AuthDeps } from './auth.js';
import type { FakeClock } from '../../node/fake-clock.js';
import { httpStatusFor, type HttpStatus } from './http-status.js';
import type { Origins } from './origins.js';
import type { AppScheduler } from '../../core/api/app-scheduler.js';
import type { Sessions } from './sessions.js';
import type { SetupToken } from './setup-token.js';
import type { RunnerStandby } from './server.js';

export type Env = { Bindings: HttpBindings };
export type Ctx = Context<Env>;

/** Everything the routes share, built once per runner by startRunner. */
export interface RunnerContext {
  app: AppCore;
  router: RpcRouter;
  sessions: Sessions;
  auth: AuthDeps;
  origins: () => Origins;
  secureCookie: boolean;
  scheduler: AppScheduler;
  clock: Clock;
  /** Set only when the test clock endpoint is allowed. */
  testClock: FakeClock | null;
  maxBodyBytes: number;
  /** The one-time token that `vault.create` over HTTP needs (retired once a vault exists). */
  setup: SetupToken;
  /** `serve --standby`: polled when the test clock moves. */
  standby: RunnerStandby | null;
}

export function replyWith(c: Ctx, reply: Reply<unknown>, status?: HttpStatus): Response {
  return c.json(reply, (status ?? (reply.ok ? 200 : httpStatusFor(reply.code))) as 200);
}

export function failWith(c: Ctx, code: ErrorCode, message: string, status?: HttpStatus): Response {
  return replyWith(c, { ok: false, code, message }, status);
}

export function isJson(c: Ctx): boolean {
  const type = c.req.header('content-type') ?? '';
  return type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; response: Response };

/** Reads a JSON body of at most `max` bytes, counting what arrives (Content-Length is only a hint). */
export async function readJsonBody(c: Ctx, max: number): Promise<BodyResult> {
  const tooLarge = (): BodyResult => ({
    ok: false,
    response: failWith(c, 'BAD_REQUEST', `the request body is larger than ${Math.floor(max / (1024 * 1024))} MiB`, 413),
  });
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > max) return tooLarge();
  const body = c.req.raw.body;
  if (!body) return { ok: true, value: undefined };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return tooLarge();
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: failWith(c, 'BAD_REQUEST', 'the request body is not valid JSON') };
  }
}
