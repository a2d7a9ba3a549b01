import { notifications } from '@mantine/notifications';
import { useCallback, useMemo, useRef } from 'react';
import { useConnection } from '../client/ClientProvider';
import { toRpcError, type RpcError } from '../client/rpc-error';
import { useT } from '../i18n/useT';

/** The transport's own words for a call that got no answer (http-transport.ts). */
function connectionLost(error: RpcError): boolean {
  return error.code === 'INTERNAL' && error.message.startsWith('Afterword did not answer');
}

/**
 * A failed call shown as a notification: the error code's human message (what happened, what to
 * do) in the reader's language — never the server's own wording, which may name ids, fields or
 * commands. The same failure again while its toast is up is not a second toast, and a call that
 * got no answer at all is left to the connection banner. `clear()` takes back the notifications
 * this caller showed, once its action worked.
 */
export function useErrorToasts(): { notify(error: unknown): void; clear(): void } {
  const { t } = useT();
  const connection = useConnection();
  const shown = useRef(new Set<string>());
  const notify = useCallback(
    (error: unknown) => {
      const rpc = toRpcError(error);
      if (connection === 'lost' || connectionLost(rpc)) return;
      const id = notifications.show({
        id: `error:${rpc.code}`,
        color: 'red',
        title: t('errors:title'),
        message: t(`errors:code.${rpc.code}`),
        autoClose: 10_000,
      });
      shown.current.add(id);
    },
    [t, connection],
  );
  const clear = useCallback(() => {
    for (const id of shown.current) notifications.hide(id);
    shown.current.clear();
  }, []);
  return useMemo(() => ({ notify, clear }), [notify, clear]);
}
