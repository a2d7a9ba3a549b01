import { Alert, Paper, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/useT';
import { useFormat } from '../../i18n/useFormat';
import { MessageRow } from './MessageRow';
import { MessageSearch } from './MessageSearch';
import { useMessagePages } from './useMessagePages';
import { usePaintMark } from './usePaintMark';

const ROW_HEIGHT = 60;

/**
 * Every message, searchable, in a virtualized list: only the rows in view (and a few around them)
 * are in the DOM, and their pages are fetched as they scroll into view.
 */
export function MessageList({
  selectedId,
  refreshKey,
  onOpen,
}: {
  selectedId: string | null;
  refreshKey: number;
  onOpen(id: string): void;
}) {
  const { t } = useT();
  const format = useFormat();
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 300);
  const pages = useMessagePages(query, refreshKey);
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = pages.total ?? 0;

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0]?.index ?? 0;
  const last = rows[rows.length - 1]?.index ?? 0;
  const { ensureRange, error } = pages;
  useEffect(() => {
    if (count > 0) ensureRange(first, last);
  }, [ensureRange, first, last, count]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [query]);

  // Every row in the DOM has its data: the screen is complete ('messages:painted', for `npm run bench`).
  usePaintMark('messages:painted', rows.length > 0 && rows.every((row) => pages.itemAt(row.index) !== undefined));

  return (
    <Stack gap="xs" h="100%">
      <MessageSearch value={search} onChange={setSearch} />
      <Text size="xs" c="dimmed" aria-live="polite">
        {pages.total === null
          ? t('messages:list.loading')
          : query
            ? t('messages:list.found', { count: pages.total, total: format.number(pages.total) })
            : t('messages:list.count', { count: pages.total, total: format.number(pages.total) })}
      </Text>
      {error && (
        <Alert color="red" title={t('messages:list.loadFailed')}>
          {t(`errors:code.${error.code}`)}
        </Alert>
      )}
      <Paper withBorder radius="md" style={{ flex: 1, minHeight: 240, overflow: 'hidden' }}>
        <div ref={scrollRef} style={{ height: '100%', overflowY: 'auto' }} data-testid="message-list-scroll">
          {pages.total === 0 ? (
            <Text size="sm" c="dimmed" p="md">
              {query ? t('messages:list.noMatch') : t('messages:list.empty')}
            </Text>
          ) : (
            <div
              role="list"
              aria-label={t('messages:list.label')}
              style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
            >
              {rows.map((row) => {
                const message = pages.itemAt(row.index);
                return (
                  <div
                    key={row.key}
                    role="listitem"
                    aria-setsize={count}
                    aria-posinset={row.index + 1}
                    style={{
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      width: '100%',
                      height: ROW_HEIGHT,
                      transform: `translateY(${row.start}px)`,
                    }}
                  >
                    <MessageRow
                      message={message}
                      selected={message !== undefined && message.id === selectedId}
                      onOpen={onOpen}
                    />
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </Paper>
    </Stack>
  );
}
