/**
 * `afterword bench [--quick] [--json]`: every figure of the benchmark in one run, each next to its
 * baseline. The report goes to `out` (stdout by default): a table, or with `json` one JSON object.
 * Progress lines go to `progress` (stderr by default) so that stdout stays parseable.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_VERSION } from '../../core/vault/vault.js';
import { mailBench } from './mail-bench.js';
import { mailBenchSizes, mailProgressLine } from './mail-figures.js';
import { coreFigures, type CoreResults, type FigureId } from './bench-figures.js';
import { coreFooterLines } from './bench-footer.js';
import { goalSummary, renderTable, type Figure, type GoalSummary } from './report.js';
import { runnerBench } from './runner-bench.js';
import { schedulerBench } from './scheduler-bench.js';
import { nowMs } from './stats.js';
import { streamBench } from './stream-bench.js';
import { uiListBench, uiListLine, type UiListFigureId } from './ui-list-bench.js';
import { backupBench, backupLine, backupProgressLine, backupSizes, type BackupFigureId } from './backup-bench.js';
import { unlockBench } from './unlock-bench.js';
import { cliStartBench, type CliOptionalFigureId } from './cli-start-bench.js';
import { SETUP_SCRYPT, listBench, writeBench } from './write-bench.js';

import { machineLines, startBenchRun, type BenchSizes, type Machine } from './bench-setup.js';

export type { BackupFigureId, BenchSizes, FigureId, Machine, UiListFigureId };

export interface BenchOptions {
  json: boolean;
  quick: boolean;
  /** Where the report goes; defaults to stdout. */
  out?: (text: string) => void;
  /** Where progress lines go; defaults to stderr. */
  progress?: (line: string) => void;
}

export interface BenchResult {
  benchmark: 'afterword';
  appVersion: string;
  quick: boolean;
  startedAt: string;
  durationS: number;
  machine: Machine;
  sizes: BenchSizes;
  /** The UI list figures (section 8) are there only when the section ran (it needs Chromium). */
  figures: Record<FigureId, Figure> & Partial<Record<UiListFigureId | BackupFigureId | CliOptionalFigureId, Figure>>;
  goals: GoalSummary<FigureId | UiListFigureId | BackupFigureId | CliOptionalFigureId>;
  checks: Record<string, number | boolean | string | number[]>;
}

export async function runBenchmarks(options: BenchOptions): Promise<BenchResult> {
  const { out, progress, sizes, startedAt, started, host } = startBenchRun(options, 'afterword bench');

  const tmp = await mkdtemp(join(tmpdir(), 'afterword-bench-'));
  try {
    const n = sizes.messages;
    progress(`[1/10] ${n} messages of ${sizes.bodyBytes} B: MessagesRepo.create vs raw better-sqlite3`);
    const writes = await writeBench(tmp, { messages: n, bodyBytes: sizes.bodyBytes }, progress);

    progress(`[2/10] stream encryption (median of ${sizes.streamRounds} rounds)`);
    const stream = await streamBench(
      { streamBytes: sizes.streamBytes, nobleBytes: sizes.nobleBytes, rounds: sizes.streamRounds },
      progress,
    );

    progress(`[3/10] unlock with the default KDF (median of ${sizes.unlockRuns})`);
    const unlock = await unlockBench(tmp, sizes.unlockRuns);

    progress(`[4/10] list the first ${sizes.listLimit} of ${n} messages (median of ${sizes.listRuns})`);
    const list = await listBench(writes.vaultDir, sizes.listRuns);

    progress(
      `[5/10] scheduler tick with nothing due: ${sizes.schedulerPlans} plans, ${sizes.schedulerMessages} messages ` +
        `(median of ${sizes.schedulerTicks})`,
    );
    const sched = await schedulerBench(
      tmp,
      {
        plans: sizes.schedulerPlans,
        messages: sizes.schedulerMessages,
        recipients: 100,
        bodyBytes: sizes.bodyBytes,
        idleTicks: sizes.schedulerTicks,
      },
      progress,
    );

    progress(`[6/10] ${mailProgressLine(sizes)}`);
    const mail = await mailBench(tmp, mailBenchSizes(sizes), progress);

    progress(
      `[7/10] runner: cold start (${sizes.runnerColdStarts}×), idle ${sizes.runnerIdleWindowS} s with ${sizes.runnerMessages} messages, ` +
        `messages.list over the WebSocket vs in process (${sizes.runnerRpcCalls} calls each)`,
    );
    const runner = await runnerBench(
      tmp,
      {
        messages: sizes.runnerMessages,
        bodyBytes: sizes.bodyBytes,
        coldStarts: sizes.runnerColdStarts,
        idleWindowMs: sizes.runnerIdleWindowS * 1000,
        rpcCalls: sizes.runnerRpcCalls,
        rpcWarmup: 20,
        listLimit: sizes.listLimit,
      },
      progress,
    );

    progress(
      `[8/10] Messages screen in Chromium: ${sizes.uiListMessages} messages via afterword serve, first screen and far scrolls ` +
        `(${sizes.uiListRuns} page load${sizes.uiListRuns === 1 ? '' : 's'})`,
    );
    const ui = await uiListBench(
      tmp,
      { messages: sizes.uiListMessages, bodyBytes: sizes.bodyBytes, runs: sizes.uiListRuns },
      progress,
    );

    progress(`[9/10] ${backupProgressLine(sizes)}`);
    const backup = await backupBench(tmp, backupSizes(sizes), progress);

    progress(
      `[10/10] CLI start: a fresh process per command (median of ${sizes.cliRuns}), tick on ${sizes.cliPlans} plans`,
    );
    const cli = await cliStartBench(tmp, { runs: sizes.cliRuns, plans: sizes.cliPlans }, progress);

    const results: CoreResults = { writes, stream, unlock, list, sched, mail, runner, cli };
    const figures = coreFigures(sizes, results);

    host.loadAverage.end = loadavg()[0] ?? 0;
    const allFigures: BenchResult['figures'] = {
      ...figures,
      ...(ui.skipped === null ? ui.figures : {}),
      ...(backup.skipped === null ? backup.figures : {}),
    };
    const goals = goalSummary(allFigures);
    const failed = goals.failed;
    const result: BenchResult = {
      benchmark: 'afterword',
      appVersion: APP_VERSION,
      quick: options.quick,
      startedAt: startedAt.toISOString(),
      durationS: (nowMs() - started) / 1000,
      machine: host,
      sizes,
      figures: allFigures,
      goals,
      checks: {
        ...writes.checks,
        setupScryptLogN: SETUP_SCRYPT.logN,
        tempDir: tmp,
        listTotal: list.total,
        listItems: list.items,
        unlockRunsMs: unlock.runsMs,
        streamCipher: stream.oursCipher,
        streamOutBytes: stream.outBytes,
        rssSamples: stream.rssSamples,
        streamOursRoundsMs: stream.roundsMs.ours,
        streamNativeAesRoundsMs: stream.roundsMs.nativeAes,
        streamNativeChachaRoundsMs: stream.roundsMs.nativeChacha,
        streamOursRoundsCpuMs: stream.roundsCpuMs.ours,
        streamNativeAesRoundsCpuMs: stream.roundsCpuMs.nativeAes,
        ...sched.checks,
        schedulerIdleTicksMs: sched.idleTicksMs,
        ...mail.checks,
        mailOursRoundsMs: mail.roundsMs.ours,
        mailNodemailerRoundsMs: mail.roundsMs.nodemailer,
        mailNodemailerRenderedRoundsMs: mail.roundsMs.nodemailerRendered,
        ...runner.checks,
        ...cli.checks,
        runnerIdleWindowMs: runner.idle.windowMs,
        runnerIdleCpuMs: runner.idle.cpuMs,
        ...(ui.skipped === null ? ui.checks : { uiListSkipped: ui.skipped }),
        ...(backup.skipped === null ? backup.checks : { backupSkipped: backup.skipped }),
      },
    };

    if (options.json) {
      out(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      out(
        renderTable(
          {
            title: `Afterword ${APP_VERSION} benchmark${options.quick ? ' (--quick)' : ''}`,
            lines: [
              ...machineLines(host),
              `node ${host.node}; sqlite: WAL + synchronous=FULL; write vaults: scrypt logN ${SETUP_SCRYPT.logN}`,
            ],
          },
          Object.values(allFigures),
          [
            `goals: ${result.goals.passed}/${result.goals.total} met${failed.length ? ` (failed: ${failed.join(', ')})` : ''}`,
            ...coreFooterLines(sizes, results, result.durationS),
            uiListLine(ui),
            backupLine(backup),
          ],
        ),
      );
    }
    return result;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
