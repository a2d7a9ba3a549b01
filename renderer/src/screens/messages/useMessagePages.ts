import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../../client/ClientProvider';
import { toRpcError, type RpcError } from '../../client/rpc-error';
import type { MethodOutput } from '../../../../shared/contract/methods.js';

export type MessageSummary = MethodOutput<'messages.list'>['items'][number];

export const PAGE_SIZE = 100;

export interface MessagePages {
  /** How many messages match; null until the first page arrives. */
  total: number | null;
  error: RpcError | null;
  /** The summary at `index`, or undefined while its page is loading. */
  itemAt(index: number): MessageSummary | undefined;
  /** Loads the pages covering indexes first..last (each page once). */
  ensureRange(first: number, last: number): void;
}

/**
 * The message list in pages of PAGE_SIZE, loaded as they scroll into view. A new query or
 * `refreshKey` drops everything and starts again from the first page; replies to an older query
 * are ignored.
 */
export function useMessagePages(query: string, refreshKey: number): MessagePages {
  const client = useClient();
  const [pages, setPages] = useState<ReadonlyMap<number, MessageSummary[]>>(new Map());
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<RpcError | null>(null);
  const requested = useRef(new Set<number>());
  const generation = useRef(0);

  const loadPage = useCallback(
    (page: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      const gen = generation.current;
      client.call('messages.list', { limit: PAGE_SIZE, offset: page * PAGE_SIZE, ...(query ? { query } : {}) }).then(
        (reply) => {
          if (gen !== generation.current) return;
          // For `npm run bench`: when a page's data arrived (see usePaintMark for when it is shown).
          performance.clearMarks('messages:data');
          performance.mark('messages:data', { detail: { page } });
          setTotal(reply.total);
          setError(null);
          setPages((prev) => new Map(prev).set(page, reply.items));
        },
        (thrown: unknown) => {
          if (gen !== generation.current) return;
          requested.current.delete(page);
          setError(toRpcError(thrown));
        },
      );
    },
    [client, query],
  );

  useEffect(() => {
    generation.current += 1;
    requested.current = new Set();
    setPages(new Map());
    setTotal(null);
    loadPage(0);
  }, [loadPage, refreshKey]);

  const ensureRange = useCallback(
    (first: number, last: number) => {
      for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) loadPage(page);
    },
    [loadPage],
  );

  const itemAt = useCallback((index: number) => pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE], [pages]);

  return { total, error, itemAt, ensureRange };
}
