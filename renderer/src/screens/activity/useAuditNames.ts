import { useMemo } from 'react';
import type { AuditNames } from '../../labels/audit-detail';
import { useRpcQuery } from '../../hooks/useRpcQuery';

const EMPTY: AuditNames = { plans: {}, messages: {}, recipients: {} };

/** The names of plans, messages and recipients, so the log shows "Plan “Family”" instead of an id. */
export function useAuditNames(refreshKey: unknown): AuditNames {
  const plans = useRpcQuery((client) => client.call('plans.list'), refreshKey);
  const recipients = useRpcQuery((client) => client.call('recipients.list'), refreshKey);
  const messages = useRpcQuery((client) => client.call('messages.list', { limit: 500 }), refreshKey);
  return useMemo(() => {
    if (!plans.data && !recipients.data && !messages.data) return EMPTY;
    return {
      plans: Object.fromEntries((plans.data ?? []).map((p) => [p.id, p.name])),
      recipients: Object.fromEntries((recipients.data ?? []).map((r) => [r.id, r.name])),
      messages: Object.fromEntries((messages.data?.items ?? []).map((m) => [m.id, m.title])),
    };
  }, [plans.data, recipients.data, messages.data]);
}
