import type { ReactNode } from 'react';
import { CenteredLoader } from '../../app/CenteredLoader';
import type { Query } from '../../hooks/useRpcQuery';
import { LoadFailedAlert } from './LoadFailedAlert';

/** A screen whose data has not arrived: a loader, or what failed with a retry button. */
export function ScreenLoading({
  header,
  queries,
  failedTitle,
}: {
  header: ReactNode;
  queries: Query<unknown>[];
  failedTitle: string;
}) {
  return (
    <>
      {header}
      {queries.some((query) => query.error) ? (
        <LoadFailedAlert title={failedTitle} queries={queries} />
      ) : (
        <CenteredLoader />
      )}
    </>
  );
}
