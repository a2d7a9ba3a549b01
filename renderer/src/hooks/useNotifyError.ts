import { notifications } from '@mantine/notifications';
import { useCallback } from 'react';
import { useT } from '../i18n/useT';
import { useConnection } from '../client/ClientProvider';
import { toRpcError, type RpcError } from '../client/rpc-error';

/**
 * Shows a failed call as a notification: the error code's human message (what happened, what to
 * do) in the reader's language, with the server's own detail underneath for the curious.
 */
export function useNotifyError(): (error: unknown) => void {
  const { t } = useT();
  const connection = useConnection();
  return useCallback(
    (error: unknown) => {
      const rpc = toRpcError(error);
      // No answer at all: the connection banner says so once, instead of a toast per call.
      if (connection === 'lost' || connectionLost(rpc)) return;
      notifications.show({
        // The same failure again while its toast is up is not a second toast.
        id: `error:${rpc.code}:${rpc.message}`,
        color: 'red',
        title: t('errors:title'),
        message: `${t(`errors:code.${rpc.code}`)} ${t('errors:detail', { detail: rpc.message })}`,
        autoClose: 10_000,
      });
    },
    [t, connection],
  );
}

/** The transport's own words for a call that got no answer (http-transport.ts). */
function connectionLost(error: RpcError): boolean {
  return error.code === 'INTERNAL' && error.message.startsWith('Afterword did not answer');
}
