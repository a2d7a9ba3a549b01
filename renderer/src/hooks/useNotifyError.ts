import { notifications } from '@mantine/notifications';
import { useCallback } from 'react';
import { useT } from '../i18n/useT';
import { toRpcError } from '../client/rpc-error';

/**
 * Shows a failed call as a notification: the error code's human message (what happened, what to
 * do) in the reader's language, with the server's own detail underneath for the curious.
 */
export function useNotifyError(): (error: unknown) => void {
  const { t } = useT();
  return useCallback(
    (error: unknown) => {
      const rpc = toRpcError(error);
      notifications.show({
        color: 'red',
        title: t('errors:title'),
        message: `${t(`errors:code.${rpc.code}`)} ${t('errors:detail', { detail: rpc.message })}`,
        autoClose: 10_000,
      });
    },
    [t],
  );
}
