import { useCallback, useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { toRpcError, type RpcError } from '../../client/rpc-error';

export type AuditRow = MethodOutput<'audit.page'>['rows'][number];
export const PAGE_SIZE = 100;

/** The audit log newest first, a page at a time (`beforeSeq` the oldest row shown so far). */
export function useAuditPages() {
  const client = useClient();
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<RpcError | null>(null);
  const [generation, setGeneration] = useState(0);

  const load = useCallback(
    async (beforeSeq: number | undefined, replace: boolean) => {
      setLoading(true);
      try {
        const page = await client.call('audit.page', {
          limit: PAGE_SIZE,
          ...(beforeSeq !== undefined ? { beforeSeq } : {}),
        });
        setRows((old) => (replace ? page.rows : [...old, ...page.rows]));
        setDone(page.rows.length < PAGE_SIZE);
        setError(null);
      } catch (e) {
        setError(toRpcError(e));
      } finally {
        setLoading(false);
      }
    },
    [client],
  );

  useEffect(() => {
    void load(undefined, true);
  }, [load, generation]);

  const oldest = rows.length > 0 ? rows[rows.length - 1]!.seq : undefined;
  return {
    rows,
    done,
    loading,
    error,
    more: () => void load(oldest, false),
    refresh: () => setGeneration((g) => g + 1),
  };
}
