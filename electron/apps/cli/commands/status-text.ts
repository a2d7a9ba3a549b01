// What `afterword status` prints: plans, the outbox, held rows, check-ins, the scheduler and backups.
import { formatDuration } from '../../../../shared/durations.js';
import { nextEventText } from '../../../../shared/plan-events.js';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { isoTime, table } from '../output.js';

function relative(ms: number, now: number): string {
  const delta = ms - now;
  if (Math.abs(delta) < 60_000) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/** The status as the contract returns it to the owner. */
type StatusReport = MethodOutput<'status.get'>;

/** The CLI's status: what comes next in words, as the CLI has always printed it (also with --json). */
type CliStatus = Omit<StatusReport, 'plans'> & {
  plans: (Omit<StatusReport['plans'][number], 'nextEvent'> & { nextEvent: string | null })[];
};

export function inWords(report: StatusReport): CliStatus {
  return {
    ...report,
    plans: report.plans.map((p) => ({ ...p, nextEvent: p.nextEvent && nextEventText(p.nextEvent) })),
  };
}

/** Warnings and deliveries a restored copy keeps but does not send until the owner says so. */
function heldLines(s: CliStatus): string[] {
  if (s.outbox.held === 0) return [];
  return [
    `Held since a restore: ${s.outbox.held} (warnings, notices and deliveries); nothing goes out until you run \`afterword resume\`, once you are sure the original is gone`,
  ];
}

function backupLines(b: CliStatus['backup'], now: number): string[] {
  const when = (at: number): string => `${isoTime(at)} (${relative(at, now)})`;
  const last = b.lastSuccess ? `${when(b.lastSuccess.at)}, snapshot ${b.lastSuccess.seq}` : 'never';
  if (!b.configured) return [`Last backup: ${last}; automatic backups: off (afterword backup target s3 …)`];
  return [
    `Last backup: ${last}`,
    ...(b.failingSince !== null
      ? [`Backups failing since ${when(b.failingSince)}: ${b.lastError ?? 'unknown error'} (afterword backup test)`]
      : []),
    `Next backup: ${b.nextAt === null ? '-' : b.nextAt <= now ? 'now (at the next scheduler pass)' : when(b.nextAt)}`,
  ];
}

/** Who sends, when a standby is paired (nothing for a vault without one). */
function runnerLines(r: CliStatus['runner']): string[] {
  if (r.leaseHolder === null && r.leaseEpoch === null) return [];
  const holder = r.leaseHolder ? `"${r.leaseHolder.name}"` : 'nobody';
  const as = r.stale && r.writtenAt !== undefined ? ` (as of ${isoTime(r.writtenAt)}: the runner is not running)` : '';
  return [
    r.role === 'primary'
      ? `Runner: this computer sends (it holds the lease, epoch ${r.leaseEpoch})${as}`
      : `Runner: this computer does not send: the lease is held by ${holder} (epoch ${r.leaseEpoch ?? '-'})${as}`,
  ];
}

export function renderStatus(s: CliStatus): string {
  const lines: string[] = [];
  for (const problem of s.problems) lines.push(`! ${problem.message}`);
  if (s.problems.length > 0) lines.push('');
  const warning = s.openPrompts.find((p) => p.kind === 'warning');
  if (warning)
    lines.push(`!! Afterword is asking whether you are there (warning ${warning.level}). Run: afterword checkin`, '');
  lines.push(
    table([
      ['PLAN', 'STATE', 'MESSAGES', 'NEXT', 'WHEN', 'DELIVERY IF SILENT'],
      ...s.plans.map((p) => [
        `${p.name}${p.isTestPlan ? ' (test plan)' : ''}`,
        p.state,
        String(p.activeMessages),
        p.nextEvent ?? '-',
        p.nextEventAt ? `${isoTime(p.nextEventAt)} (${relative(p.nextEventAt, s.now)})` : '-',
        p.deliveryAt ? isoTime(p.deliveryAt) : '-',
      ]),
    ]),
    '',
    `Outbox: ${s.outbox.pending + s.outbox.sending} pending, ${s.outbox.sent} sent, ${s.outbox.failed} failed`,
    ...s.failures.map((f) => `  failed ${f.kind} via ${f.channel}: ${f.error ?? 'unknown error'}`),
    ...heldLines(s),
    `Tests (not deliveries): ${s.tests.passed} passed, ${s.tests.failed} failed`,
    `Last check-in: ${s.lastCheckinAt ? `${isoTime(s.lastCheckinAt)} (${relative(s.lastCheckinAt, s.now)})` : 'never'}`,
    `Last scheduler tick: ${s.lastTick ? `${isoTime(s.lastTick.at)} (${relative(s.lastTick.at, s.now)}, ${s.lastTick.source})` : 'never'}`,
    `Owner e-mail: ${s.owner.emailSet ? 'set' : 'not set (afterword owner set --email ADDR)'}; SMTP: ${s.smtpConfigured ? 'configured' : 'not configured'}`,
    `Unattended delivery: ${s.unattended.enabled ? `on (${s.unattended.backend})` : 'off (afterword unattended enable)'}`,
    ...backupLines(s.backup, s.now),
    ...runnerLines(s.runner),
  );
  return lines.join('\n');
}
