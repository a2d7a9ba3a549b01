import type { StatusReport } from './status.js';

/**
 * A channel as a monitor may see it: its kind, and a webhook's id instead of the name the owner
 * gave it ("webhook:family-ntfy" says who is warned); `webhook` alone when the webhook is gone.
 */
function monitorChannel(channel: string, webhookIds: ReadonlyMap<string, string>): string {
  if (channel === 'email' || channel === 'desktop' || channel === 'webhook') return channel;
  const name = channel.startsWith('webhook:') ? channel.slice('webhook:'.length) : channel;
  const id = webhookIds.get(name);
  return id ? `webhook:${id}` : 'webhook';
}

const runnerId = (holder: { id: string } | null) => (holder ? { id: holder.id, name: holder.id } : null);

/**
 * What a monitor token may read of the status: ids, kinds, states and numbers. Plan and webhook
 * names are the owner's words, and server answers in failures can echo addresses, so none of them
 * leaves; a problem keeps its code and ids. `webhookIds`: each webhook's name → its id.
 */
export function statusForMonitor<T extends StatusReport>(
  report: T,
  webhookIds: ReadonlyMap<string, string> = new Map(),
): T {
  const last = report.tests.last;
  return {
    ...report,
    // The owner names a standby: a monitor sees the runner's id only.
    ...(report.runner ? { runner: { ...report.runner, leaseHolder: runnerId(report.runner.leaseHolder) } } : {}),
    plans: report.plans.map((plan) => ({ ...plan, name: plan.id })),
    // The code of a backup failure, not the server's answer.
    backup: { ...report.backup, lastError: report.backup.lastError?.split(':')[0] ?? null },
    tests: { ...report.tests, last: last ? { ...last, channel: monitorChannel(last.channel, webhookIds) } : null },
    failures: report.failures.map((failure) => ({
      ...failure,
      channel: monitorChannel(failure.channel, webhookIds),
      error: null,
    })),
    problems: report.problems.map(({ code, params }) => {
      const ids = Object.fromEntries(
        Object.entries(params).filter(
          ([key, value]) => key === 'planId' || key === 'seq' || key === 'at' || typeof value === 'number',
        ),
      );
      return { code, params: ids, message: code };
    }),
  };
}
