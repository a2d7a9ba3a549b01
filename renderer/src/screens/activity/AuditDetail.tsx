import { Text } from '@mantine/core';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { auditDetailText, auditSubject, type AuditNames } from '../../labels/audit-detail';
import type { AuditRow } from './useAuditPages';

/** The particulars of one entry in words: what it is about (by name) and what the core recorded. */
export function AuditDetail({ row, names }: { row: AuditRow; names: AuditNames | null }) {
  const { t } = useT();
  const format = useFormat();
  const subject = names ? auditSubject(t, row, names) : null;
  const detail = auditDetailText(
    t,
    { dateTime: format.dateTime, duration: (ms) => format.duration(ms, 2), list: format.list },
    row,
  );
  return (
    <>
      {subject && <Text size="sm">{subject}</Text>}
      {detail && (
        <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
          {detail}
        </Text>
      )}
    </>
  );
}
