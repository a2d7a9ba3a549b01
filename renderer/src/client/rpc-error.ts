import { isErrorCode, type ErrorCode } from '../../../shared/error-codes.js';

/** An `{ ok: false }` reply, thrown by the typed client. `code` is stable; `message` is the server's (English) detail. */
export class RpcError extends Error {
  override readonly name = 'RpcError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly method?: string,
  ) {
    super(message);
  }
}

/** Any thrown value as an RpcError: network failures and bugs become INTERNAL. */
export function toRpcError(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new RpcError(isErrorCode(code) ? code : 'INTERNAL', message);
}
