import { notifications } from '@mantine/notifications';
import { useCallback, useMemo, useRef } from 'react';
import { useT } from '../i18n/useT';
import { toRpcError } from '../client/rpc-error';

/**
 * A failed call shown as a notification: the error code's human message (what happened, what to
 * do) in the reader's language — never the server's own wording, which may name ids, fields or
 * commands. `clear()` takes back the notifications this caller showed, once its action worked.
 */
export function useErrorToasts(): { notify(error: unknown): void; clear(): void } {
  const { t } = useT();
  const shown = useRef(new Set<string>());
  const notify = useCallback(
    (error: unknown) => {
      const rpc = toRpcError(error);
      const id = notifications.show({ color: 'red', title: t('errors:title'), message: t(`errors:code.${rpc.code}`), autoClose: 10_000 });
      shown.current.add(id);
    },
    [t],
  );
  const clear = useCallback(() => {
    for (const id of shown.current) notifications.hide(id);
    shown.current.clear();
  }, []);
  return useMemo(() => ({ notify, clear }), [notify, clear]);
}
