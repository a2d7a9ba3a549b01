import { useMemo } from 'react';
import type { AuditNames } from '../../labels/audit-detail';
import { useRpcQuery } from '../../hooks/useRpcQuery';

/**
 * The names of plans, messages and recipients, so the log shows "Plan “Family”" instead of an id;
 * null until all three are known (an id not found then was deleted since).
 */
export function useAuditNames(refreshKey: unknown): AuditNames | null {
  const plans = useRpcQuery((client) => client.call('plans.list'), refreshKey);
  const recipients = useRpcQuery((client) => client.call('recipients.list'), refreshKey);
  const messages = useRpcQuery((client) => client.call('messages.list', { limit: 500 }), refreshKey);
  return useMemo(() => {
    if (!plans.data || !recipients.data || !messages.data) return null;
    return {
      plans: Object.fromEntries(plans.data.map((p) => [p.id, p.name])),
      recipients: Object.fromEntries(recipients.data.map((r) => [r.id, r.name])),
      messages: Object.fromEntries(messages.data.items.map((m) => [m.id, m.title])),
    };
  }, [plans.data, recipients.data, messages.data]);
}
