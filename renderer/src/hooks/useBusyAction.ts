import { useCallback, useState } from 'react';
import { useNotifyError } from './useNotifyError';

/**
 * A button's or a form's call: `busy` while it runs (for the spinner and to disable the control),
 * and a failure shown as the error notification instead of thrown.
 */
export function useBusyAction(): { busy: boolean; run: (action: () => Promise<void>) => Promise<void> } {
  const notifyError = useNotifyError();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action: () => Promise<void>) => {
      setBusy(true);
      try {
        await action();
      } catch (error) {
        notifyError(error);
      } finally {
        setBusy(false);
      }
    },
    [notifyError],
  );
  return { busy, run };
}
