import { Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { RpcError } from '../../client/rpc-error';
import { useT } from '../../i18n/useT';

export interface Column<Row> {
  /** The header cell; a column without words (actions) wraps them in VisuallyHidden. */
  header: ReactNode;
  cell: (row: Row) => ReactNode;
}

/**
 * Rows under column headers, or one dimmed line while there are none: "Loading…", the failure in
 * the reader's language, or what `empty` says. `minWidth` scrolls it sideways on a narrow window.
 */
export function DataTable<Row>({
  rows,
  rowKey,
  columns,
  empty,
  loading = false,
  error = null,
  label,
  minWidth,
}: {
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  columns: Column<Row>[];
  empty: string;
  loading?: boolean;
  error?: RpcError | null;
  label?: string;
  minWidth?: number;
}) {
  const { t } = useT();
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {loading ? t('common:loading') : error ? t(`errors:code.${error.code}`) : empty}
      </Text>
    );
  }
  const table = (
    <Table verticalSpacing={6} highlightOnHover aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((column, index) => (
            <Table.Th key={index} scope="col">
              {column.header}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={rowKey(row)}>
            {columns.map((column, index) => (
              <Table.Td key={index}>{column.cell(row)}</Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
  return minWidth ? <Table.ScrollContainer minWidth={minWidth}>{table}</Table.ScrollContainer> : table;
}

/** A date and time that never wraps, for a table's "when" column. */
export function WhenText({ text, dimmed = false }: { text: string; dimmed?: boolean }) {
  return (
    <Text size="sm" c={dimmed ? 'dimmed' : undefined} style={{ whiteSpace: 'nowrap' }}>
      {text}
    </Text>
  );
}
