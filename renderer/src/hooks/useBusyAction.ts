import { useCallback, useState } from 'react';
import { useErrorToasts } from './useErrorToasts';

/**
 * A button's or a form's call: `busy` while it runs (for the spinner and to disable the control),
 * and a failure shown as the error notification instead of thrown; once it works, the failures it
 * showed before are taken back.
 */
export function useBusyAction(): { busy: boolean; run: (action: () => Promise<void>) => Promise<void> } {
  const toasts = useErrorToasts();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action: () => Promise<void>) => {
      setBusy(true);
      try {
        await action();
        toasts.clear();
      } catch (error) {
        toasts.notify(error);
      } finally {
        setBusy(false);
      }
    },
    [toasts],
  );
  return { busy, run };
}
