/**
 * Smoke test of `afterword bench --quick --json`: the report has every figure, each a finite
 * positive number with a unit, and the goal flags are consistent. Timing thresholds are not
 * asserted here (they depend on the machine); only the structure is.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTable } from './report.js';
import { runBenchmarks, type BenchResult, type FigureId } from './run-benchmarks.js';
import { CHROMIUM, UI_LIST_FIGURE_IDS, type UiListFigureId } from './ui-list-bench.js';
import { BACKUP_FIGURE_IDS, type BackupFigureId } from './backup-bench.js';
import type { CliOptionalFigureId } from './cli-start-bench.js';

const FIGURE_IDS: FigureId[] = [
  'write.repoPerTxn',
  'write.rawPerTxn',
  'write.ratioPerTxn',
  'write.repoBatched',
  'write.rawBatched',
  'write.ratioBatched',
  'stream.ours',
  'stream.nativeAesGcm',
  'stream.ratio',
  'stream.ratioCpu',
  'stream.peakRssGrowth',
  'stream.nativeChacha',
  'stream.noble',
  'unlock.defaultKdf',
  'list.first50',
  'list.first50FirstCall',
  'scheduler.idleTick',
  'scheduler.idleBackupCheck',
  'scheduler.allDueTick',
  'mail.ours',
  'mail.nodemailer',
  'mail.ratio',
  'mail.nodemailerRendered',
  'mail.ratioRendered',
  'mail.cpuOurs',
  'mail.cpuNodemailerRendered',
  'mail.cpuRatio',
  'runner.coldStart',
  'runner.idleRssStart',
  'runner.idleRss',
  'runner.idleCpu',
  'runner.rpcWsMedian',
  'runner.rpcWsP90',
  'runner.rpcInProcessMedian',
  'runner.rpcInProcessP90',
  'runner.rpcRatio',
  'cli.node',
  'cli.version',
  'cli.versionRatio',
  'cli.help',
  'cli.helpRatio',
  'cli.tickWall',
  'cli.tickCpu',
  'cli.kdf',
  'cli.status',
  'cli.statusOverKdf',
];

/** Figures that may legitimately be 0 (everything else is > 0). */
const MAY_BE_ZERO: FigureId[] = [
  // Nothing new paged in.
  'stream.peakRssGrowth',
  // An idle runner may not use a single clock tick (10 ms) of CPU in a 5 s window.
  'runner.idleCpu',
];

const WITH_GOALS: FigureId[] = [
  'write.ratioPerTxn',
  'stream.ratio',
  'stream.peakRssGrowth',
  'list.first50',
  'scheduler.idleTick',
  'scheduler.idleBackupCheck',
  'mail.ratioRendered',
  'mail.cpuRatio',
  'runner.coldStart',
  'runner.idleRss',
  'runner.idleCpu',
  'cli.versionRatio',
  'cli.helpRatio',
  'cli.tickWall',
  'cli.tickCpu',
  'cli.statusOverKdf',
];

/** The Messages screen in Chromium (section 8) runs only where Debian's Chromium is installed. */
const UI_WITH_GOALS: UiListFigureId[] = ['ui.firstScreen', 'ui.rowsFirstScreen', 'ui.rowsMiddle', 'ui.rowsEnd'];

/** The backup section (9): s3rver is a dev dependency, so it runs wherever the tests do. */
const BACKUP_WITH_GOALS: BackupFigureId[] = [
  'backup.pushRatio',
  'backup.pushPeakRssGrowth',
  'backup.incrementalRatio',
  'backup.restoreRatio',
];

describe('runBenchmarks --quick --json', () => {
  it('prints one JSON object with every figure, and returns the same object', async () => {
    let stdout = '';
    const progress: string[] = [];
    const result = await runBenchmarks({
      json: true,
      quick: true,
      out: (text) => {
        stdout += text;
      },
      progress: (line) => progress.push(line),
    });

    const printed = JSON.parse(stdout) as BenchResult;
    expect(printed).toEqual(JSON.parse(JSON.stringify(result)));
    expect(progress.length).toBeGreaterThan(0);
    expect(stdout.trim().startsWith('{')).toBe(true);

    expect(result.quick).toBe(true);
    expect(result.sizes).toMatchObject({
      messages: 1_000,
      schedulerPlans: 20,
      schedulerMessages: 1_000,
      schedulerTicks: 50,
      mails: 100,
      mailConnections: 4,
      mailRounds: 1,
      runnerMessages: 1_000,
      runnerColdStarts: 3,
      runnerIdleWindowS: 5,
      runnerRpcCalls: 200,
      cliRuns: 3,
      cliPlans: 20,
    });
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.cpu.length).toBeGreaterThan(0);
    expect(result.machine.node).toBe(process.version);

    const uiRan = existsSync(CHROMIUM);
    // Status with a CLI session: measured where the build has `afterword unlock`, else skipped, saying why.
    const sessions = result.checks.cliSessionSkipped === undefined;
    if (!sessions) expect(progress.join('\n')).toContain(`skipped, ${String(result.checks.cliSessionSkipped)}`);
    else expect(result.figures['cli.statusSession']?.goal).toEqual({ op: '<=', value: 300 });
    const expectedIds: string[] = [
      ...FIGURE_IDS,
      ...(uiRan ? UI_LIST_FIGURE_IDS : []),
      ...BACKUP_FIGURE_IDS,
      ...(sessions ? ['cli.statusSession'] : []),
      // What the environment's NODE_EXTRA_CA_CERTS adds to a start, where it sets one.
      ...(process.env.NODE_EXTRA_CA_CERTS ? ['cli.nodeExtraCaCerts', 'cli.tickCpuExtraCaCerts'] : []),
    ];
    expect(Object.keys(result.figures).sort()).toEqual(expectedIds.sort());
    for (const id of FIGURE_IDS) {
      const f = result.figures[id];
      expect(f, id).toBeDefined();
      expect(Number.isFinite(f.value), `${id} is finite`).toBe(true);
      if (MAY_BE_ZERO.includes(id)) expect(f.value, id).toBeGreaterThanOrEqual(0);
      else expect(f.value, `${id} is positive`).toBeGreaterThan(0);
      expect(f.unit.length, `${id} has a unit`).toBeGreaterThan(0);
      expect(f.label.length).toBeGreaterThan(0);
      if (WITH_GOALS.includes(id)) {
        expect(f.goal, `${id} has a goal`).not.toBeNull();
        expect(Number.isFinite(f.goal!.value)).toBe(true);
        expect(typeof f.pass, `${id} has a pass flag`).toBe('boolean');
      } else {
        expect(f.goal, `${id} is context only`).toBeNull();
        expect(f.pass).toBeNull();
      }
    }

    // Section 8: its figures are there exactly when Chromium is, each finite and positive.
    expect(typeof result.checks.uiListSkipped, 'skipped only without Chromium').toBe(uiRan ? 'undefined' : 'string');
    for (const id of UI_LIST_FIGURE_IDS) {
      const f = result.figures[id];
      if (!uiRan) {
        expect(f, id).toBeUndefined();
        continue;
      }
      expect(f, id).toBeDefined();
      expect(Number.isFinite(f!.value) && f!.value > 0, `${id} is finite and positive`).toBe(true);
      expect(f!.goal !== null, `${id} has a goal or not`).toBe(UI_WITH_GOALS.includes(id));
    }
    if (uiRan) {
      // The whole list is there, the end was reached, and the DOM held the rows in view (plus the
      // overscan), not the list: the row-count goals are structure, not timing, so they must pass.
      expect(result.checks).toMatchObject({
        uiListTotal: 1_000,
        uiListLastRowAtEnd: 1_000,
        uiListRunnerExitCode: 0,
        uiListFromDataMark: false,
      });
      for (const id of ['ui.rowsFirstScreen', 'ui.rowsMiddle', 'ui.rowsEnd'] as const)
        expect(result.figures[id]?.pass, id).toBe(true);
    }

    // Section 9: every figure finite, positive (RSS growth may be 0); the vault really went up,
    // came back whole, and the edit uploaded a few objects out of hundreds.
    for (const id of BACKUP_FIGURE_IDS) {
      const f = result.figures[id]!;
      expect(Number.isFinite(f.value) && f.value >= 0, `${id} is finite`).toBe(true);
      if (id !== 'backup.pushPeakRssGrowth') expect(f.value, `${id} is positive`).toBeGreaterThan(0);
      expect(f.goal !== null, `${id} has a goal or not`).toBe(BACKUP_WITH_GOALS.includes(id));
    }
    expect(result.checks).toMatchObject({
      backupRestoredMessages: 1_000,
      backupRestoredAttachments: 8,
      backupServerStopped: true,
    });
    expect(result.checks.backupIncrementalObjects).toBeLessThanOrEqual(12);
    expect(result.checks.backupFirstObjects).toBeGreaterThan(40);
    expect(result.checks.backupSdkPutObjects).toBeGreaterThanOrEqual(result.checks.backupFirstObjects as number);
    expect(result.checks.backupBaselineBytes).toBeGreaterThanOrEqual(result.checks.backupFirstBytes as number);

    const withGoals: (FigureId | UiListFigureId | BackupFigureId | CliOptionalFigureId)[] = [
      ...WITH_GOALS,
      ...(uiRan ? UI_WITH_GOALS : []),
      ...(sessions ? (['cli.statusSession'] as const) : []),
      ...BACKUP_WITH_GOALS,
    ];
    // The report lists failed goals in the order of its figures, not the order built here.
    const failed = withGoals.filter((id) => result.figures[id]?.pass === false).sort();
    expect({ ...result.goals, failed: [...result.goals.failed].sort() }).toEqual({
      total: withGoals.length,
      passed: withGoals.length - failed.length,
      failed,
      allPass: failed.length === 0,
    });

    // Correctness side of the run (not timing): every side wrote every row, the repo batch
    // committed through savepoints, the audit chains verify, the list saw the whole vault.
    expect(result.checks).toMatchObject({
      perTxnRows: 1_000,
      batchedRows: 1_000,
      rawPerTxnRows: 1_000,
      rawBatchedRows: 1_000,
      auditProblemsPerTxn: 0,
      auditProblemsBatched: 0,
      nestedTransactionsOk: true,
      listTotal: 1_000,
      listItems: 50,
    });

    // Scheduler: every plan was armed by the first tick, the timed ticks really had nothing to do,
    // and in the all-due tick every plan moved and queued its warning.
    expect(result.checks).toMatchObject({
      schedulerArmedPlans: 20,
      schedulerArmingTransitions: 20,
      schedulerIdleTransitions: 0,
      schedulerAllDueTransitions: 20,
      schedulerAllDueWarnings: 20,
    });
    expect(result.checks.schedulerIdleTicksMs).toHaveLength(50);

    // Delivery: each side put every mail through the relay, on as many connections as lanes; the
    // outbox holds nothing unsent (no failure, so no notices either) and one audit row per mail.
    expect(result.checks).toMatchObject({
      mailOursSent: [100],
      mailOursNotSent: 0,
      mailRelayOurs: [100],
      mailRelayNodemailer: [100],
      mailRelayNodemailerRendered: [100],
      mailAuditRowsPerMail: 1,
    });
    for (const key of [
      'mailPeakConnectionsOurs',
      'mailPeakConnectionsNodemailer',
      'mailPeakConnectionsNodemailerRendered',
    ] as const) {
      expect(result.checks[key], key).toBeGreaterThanOrEqual(1);
      expect(result.checks[key], key).toBeLessThanOrEqual(5);
    }
    expect(result.checks.mailBytesPerMailNodemailer).toBeGreaterThan(2048);
    expect(result.checks.mailBytesPerMailOurs).toBeGreaterThan(2048);
    expect(result.checks.mailBytesPerMailNodemailerRendered).toBeGreaterThan(2048);
    expect(result.checks.mailOursRoundsMs).toHaveLength(1);
    expect(result.checks.mailNodemailerRoundsMs).toHaveLength(1);
    expect(result.checks.mailNodemailerRenderedRoundsMs).toHaveLength(1);

    // Runner: three children started and stopped cleanly on SIGTERM, the scheduler was running in
    // the idle window, the window was sampled at both ends, and both sides listed the whole vault.
    expect(result.checks).toMatchObject({
      runnerSchedulerRunning: true,
      runnerExitCodes: [0, 0, 0],
      runnerWsListTotal: 1_000,
      runnerWsListItems: 50,
      runnerInProcessListTotal: 1_000,
      runnerInProcessListItems: 50,
    });
    expect(result.checks.runnerColdStartRunsMs).toHaveLength(3);
    expect(result.checks.runnerListeningRunsMs).toHaveLength(3);
    expect(result.checks.runnerStopMs).toHaveLength(3);
    expect(result.checks.runnerRssSamples).toBeGreaterThanOrEqual(2);
    expect(result.checks.runnerIdleWindowMs).toBeGreaterThanOrEqual(5_000);
    expect(result.checks.runnerIdleCpuMs).toBeGreaterThanOrEqual(0);

    // The temp directory is gone.
    expect(typeof result.checks.tempDir).toBe('string');
    expect(existsSync(result.checks.tempDir as string)).toBe(false);

    // The human table renders every figure.
    const table = renderTable({ title: 'bench', lines: [] }, Object.values(result.figures), []);
    for (const f of Object.values(result.figures)) expect(table).toContain(f.label);
  }, 240_000); // a whole quick run, a browser and an S3 server included: about 60 s on two busy cores
});
