import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract/methods.js';
import type { AppCore } from '../../core/api/app-core.js';
import { HANDLERS, type Handlers } from '../../core/api/handlers.js';
import { createRouter } from '../../core/api/router.js';
import { AfterwordError } from '../../core/errors.js';
import { withCliCore, type Access, type CliCoreDeps } from './cli-core.js';

/**
 * Calls one method of the contract through the router. A failed reply is thrown: as the error the
 * handler threw, or as an AfterwordError with the reply's code and message when none ran.
 */
export type Rpc = <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MethodOutput<M>>;

/**
 * The same handlers, noting what one threw. The router replies with an AfterwordError's own code
 * and message, and turns anything else into a generic reply (INTERNAL, or INTEGRITY for a damaged
 * database); the CLI rethrows the original error, so main() reports it as before (the message,
 * the exit code, and with --debug the stack where it was thrown).
 */
function noting(handlers: Handlers, thrown: { error?: unknown }): Handlers {
  const wrapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [string, (input: unknown, ctx: unknown) => unknown][]) {
    wrapped[name] = async (input: unknown, ctx: unknown) => {
      try {
        return await handler(input, ctx);
      } catch (error) {
        thrown.error = error;
        throw error;
      }
    };
  }
  return wrapped as Handlers;
}

/**
 * Opens and signs in as withCliCore does, and hands `fn` the router every front door shares (and
 * the core, signed in, for a command that writes a file of the user's straight from it: `export`).
 */
export async function withCliRouter<T>(
  deps: CliCoreDeps,
  access: Access,
  fn: (rpc: Rpc, core: AppCore) => Promise<T>,
): Promise<T> {
  return withCliCore(deps, access, async (core, caller) => {
    const thrown: { error?: unknown } = {};
    const router = createRouter(core, { handlers: noting(HANDLERS, thrown) });
    const rpc: Rpc = async (method, input) => {
      thrown.error = undefined;
      const reply = await router.call(method, input, caller);
      if (reply.ok) return reply.data as MethodOutput<typeof method>;
      if (thrown.error !== undefined) throw thrown.error;
      // Refused before any handler ran (an input the contract does not accept): the reply's code.
      throw new AfterwordError(reply.code, reply.message);
    };
    return fn(rpc, core);
  });
}
