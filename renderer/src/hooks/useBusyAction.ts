import { useCallback, useState } from 'react';
import { toRpcError, type RpcError } from '../client/rpc-error';
import type { ErrorCode } from '../../../shared/error-codes.js';
import { useErrorToasts } from './useErrorToasts';

/** Answers the call expects (a wrong password, a name in use), by error code: shown where they belong, not as a notification. */
export type Refusals = Partial<Record<ErrorCode, (error: RpcError) => void>>;

/**
 * A button's or a form's call: `busy` while it runs (for the spinner and to disable the control),
 * and a failure shown as the error notification instead of thrown, unless `refusals` handles its
 * code; once it works, the failures it showed before are taken back. Resolves true when it worked.
 */
export function useBusyAction(): {
  busy: boolean;
  run: (action: () => Promise<unknown>, refusals?: Refusals) => Promise<boolean>;
} {
  const toasts = useErrorToasts();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action: () => Promise<unknown>, refusals?: Refusals) => {
      setBusy(true);
      try {
        await action();
        toasts.clear();
        return true;
      } catch (error) {
        const rpc = toRpcError(error);
        const refused = refusals?.[rpc.code];
        if (refused) refused(rpc);
        else toasts.notify(rpc);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [toasts],
  );
  return { busy, run };
}
