import { Alert, Button } from '@mantine/core';
import type { ReactNode } from 'react';
import { CenteredLoader } from '../../app/CenteredLoader';
import type { RpcError } from '../../client/rpc-error';
import { useT } from '../../i18n/useT';

/** A screen whose data has not arrived: a loader, or what failed with a retry button. */
export function ScreenLoading({ header, error, failedTitle, onRetry }: { header: ReactNode; error: RpcError | null; failedTitle: string; onRetry: () => void }) {
  const { t } = useT();
  return (
    <>
      {header}
      {error ? (
        <Alert color="red" title={failedTitle}>
          {t(`errors:code.${error.code}`)}{' '}
          <Button variant="subtle" size="xs" onClick={onRetry}>
            {t('common:actions.retry')}
          </Button>
        </Alert>
      ) : (
        <CenteredLoader />
      )}
    </>
  );
}
