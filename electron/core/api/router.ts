import { CONTRACT, isMethodName, type MethodName } from '../../../shared/contract/methods.js';
import type { Reply } from '../../../shared/contract/reply.js';
import { describeIssue } from '../../../shared/validation.js';
import { classifyStorageError } from '../storage-errors.js';
import type { Logger } from '../ports/logger.js';
import type { AppCore } from './app-core.js';
import { HANDLERS, type Handlers } from './handlers.js';
import type { Caller, RpcRouter } from './router-types.js';

export interface RouterOptions {
  /** Check each reply against its output schema (tests, development): a drift becomes an error. */
  validateOutput?: boolean;
  logger?: Logger;
  handlers?: Handlers;
}

/**
 * The one gate in front of the core, used by every transport: the method must exist, the
 * caller's role must be allowed, the input must parse; then the handler runs and any error is
 * mapped to a stable code. Nothing unparsed reaches a handler; no stack reaches a caller.
 */
export function createRouter(app: AppCore, options: RouterOptions = {}): RpcRouter {
  const handlers = options.handlers ?? HANDLERS;
  return {
    async call(method: string, input: unknown, caller: Caller): Promise<Reply<unknown>> {
      if (!isMethodName(method)) return { ok: false, code: 'NOT_FOUND', message: `no such method: ${method}` };
      const spec = CONTRACT[method];
      if (!spec.roles.includes('public') && !spec.roles.includes(caller.role)) {
        return caller.role === 'public'
          ? { ok: false, code: 'UNAUTHORIZED', message: 'sign in first: unlock the vault with your password' }
          : { ok: false, code: 'FORBIDDEN', message: `a ${caller.role} token may not call ${method}` };
      }
      const parsed = spec.input.safeParse(input ?? {});
      if (!parsed.success) return { ok: false, code: 'BAD_REQUEST', message: describeIssue(parsed.error) };
      try {
        const handler = handlers[method] as (input: unknown, ctx: { app: AppCore; caller: Caller }) => unknown;
        const data = await handler(parsed.data, { app, caller });
        if (options.validateOutput) {
          const checked = spec.output.safeParse(data);
          if (!checked.success) {
            return {
              ok: false,
              code: 'INTERNAL',
              message: `reply of ${method} does not match the contract: ${describeIssue(checked.error)}`,
            };
          }
        }
        return { ok: true, data };
      } catch (error) {
        const known = classifyStorageError(error);
        if (known) return { ok: false, code: known.code, message: known.message };
        options.logger?.error('rpc handler failed', { method, error: (error as Error)?.message });
        return {
          ok: false,
          code: 'INTERNAL',
          message: 'something went wrong inside Afterword; details are in its log',
        };
      }
    },
  };
}

export type { MethodName };
