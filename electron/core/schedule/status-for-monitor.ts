import type { StatusReport } from './status.js';

/**
 * What a monitor token may read of the status: ids, states and numbers. Plan names are the
 * owner's encrypted content, and server answers in failures can echo addresses, so neither
 * leaves; a problem keeps its code and ids.
 */
export function statusForMonitor(report: StatusReport): StatusReport {
  return {
    ...report,
    plans: report.plans.map((plan) => ({ ...plan, name: plan.id })),
    failures: report.failures.map((failure) => ({ ...failure, error: null })),
    problems: report.problems.map(({ code, params }) => {
      const ids = Object.fromEntries(Object.entries(params).filter(([key, value]) => key === 'planId' || key === 'seq' || key === 'at' || typeof value === 'number'));
      return { code, params: ids, message: code };
    }),
  };
}
