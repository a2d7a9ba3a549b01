import { Alert, Button } from '@mantine/core';
import type { Query } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';

/** Why a screen's data did not load, in the reader's language, with "Try again" (which loads every query given again). */
export function LoadFailedAlert({ title, queries }: { title: string; queries: Query<unknown>[] }) {
  const { t } = useT();
  const error = queries.find((query) => query.error)?.error;
  if (!error) return null;
  return (
    <Alert color="red" title={title}>
      {t(`errors:code.${error.code}`)}{' '}
      <Button variant="subtle" size="xs" onClick={() => queries.forEach((query) => query.reload())}>
        {t('common:actions.retry')}
      </Button>
    </Alert>
  );
}
