/** The lines under the table of a whole run: the correctness checks and raw rounds of sections 1 to 7. */
import { formatNumber } from './report.js';
import type { BenchSizes } from './bench-setup.js';
import type { CoreResults } from './bench-figures.js';

const roundList = (ms: readonly number[]): string => ms.map((v) => Math.round(v)).join('/');

export function coreFooterLines(sizes: BenchSizes, results: CoreResults, durationS: number): string[] {
  const { writes, unlock, sched, mail, runner } = results;
  return [
    `checks: nested transactions ${writes.checks.nestedTransactionsOk ? 'ok' : 'NOT OK'}, ` +
      `audit chains ${writes.checks.auditProblemsPerTxn + writes.checks.auditProblemsBatched === 0 ? 'intact' : 'BROKEN'}, ` +
      `unlock runs ${unlock.runsMs.map((ms) => Math.round(ms)).join('/')} ms, ` +
      `${durationS.toFixed(1)} s in all`,
    `scheduler: ${sched.checks.schedulerArmedPlans}/${sizes.schedulerPlans} plans armed, ` +
      `${sched.checks.schedulerIdleTransitions} transitions in the idle ticks ` +
      `(p90 ${formatNumber(sched.checks.schedulerIdleP90Ms)} ms, max ${formatNumber(sched.checks.schedulerIdleMaxMs)} ms), ` +
      `all-due tick: ${sched.checks.schedulerAllDueTransitions} transitions, ${sched.checks.schedulerAllDueWarnings} warnings queued`,
    `mail: relay accepted ${mail.checks.mailRelayOurs.join('/')} (ours; outbox rows sent ` +
      `${mail.checks.mailOursSent.join('/')}), ${mail.checks.mailRelayNodemailer.join('/')} and ` +
      `${mail.checks.mailRelayNodemailerRendered.join('/')} (nodemailer, text / rendered); ` +
      `B per mail ${mail.checks.mailBytesPerMailOurs} / ${mail.checks.mailBytesPerMailNodemailer} / ` +
      `${mail.checks.mailBytesPerMailNodemailerRendered}; peak connections ${mail.checks.mailPeakConnectionsOurs} / ` +
      `${mail.checks.mailPeakConnectionsNodemailer} / ${mail.checks.mailPeakConnectionsNodemailerRendered}`,
    `mail rounds (ms): ours ${roundList(mail.roundsMs.ours)}, nodemailer ${roundList(mail.roundsMs.nodemailer)}, ` +
      `rendered ${roundList(mail.roundsMs.nodemailerRendered)}`,
    `runner: cold starts ${roundList(runner.checks.runnerColdStartRunsMs)} ms (listening at ` +
      `${roundList(runner.checks.runnerListeningRunsMs)} ms), scheduler ${runner.checks.runnerSchedulerRunning ? 'running' : 'NOT running'}; ` +
      `idle ${(runner.idle.windowMs / 1000).toFixed(1)} s: CPU ${formatNumber(runner.idle.cpuMs)} ms ` +
      `(${runner.checks.runnerClockTicksPerS} ticks/s), RSS peak ${formatNumber(runner.checks.runnerRssPeakMB)} MB; ` +
      `list total ${runner.checks.runnerWsListTotal} / ${runner.checks.runnerInProcessListTotal}; ` +
      `SIGTERM → exit ${roundList(runner.checks.runnerStopMs)} ms, codes ${runner.checks.runnerExitCodes.join('/')}`,
  ];
}
