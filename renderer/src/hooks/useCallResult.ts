import { useCallback, useState } from 'react';
import { useBusyAction } from './useBusyAction';

/**
 * A call whose answer the screen shows (a test send, a verification): `busy` while it runs, the
 * previous answer gone meanwhile, a failure shown as useBusyAction shows it.
 */
export function useCallResult<T>(): {
  busy: boolean;
  result: T | null;
  call: (fetch: () => Promise<T>) => Promise<boolean>;
  dismiss: () => void;
} {
  const { busy, run } = useBusyAction();
  const [result, setResult] = useState<T | null>(null);
  const call = useCallback(
    (fetch: () => Promise<T>) => {
      setResult(null);
      return run(async () => setResult(await fetch()));
    },
    [run],
  );
  const dismiss = useCallback(() => setResult(null), []);
  return { busy, result, call, dismiss };
}
