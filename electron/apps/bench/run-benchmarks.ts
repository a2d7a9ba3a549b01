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
import { figure, formatNumber, goalSummary, renderTable, type Figure, type GoalSummary } from './report.js';
import { runnerBench } from './runner-bench.js';
import { schedulerBench } from './scheduler-bench.js';
import { MB, MIB, nowMs } from './stats.js';
import { streamBench } from './stream-bench.js';
import { uiListBench, uiListLine, type UiListFigureId } from './ui-list-bench.js';
import { unlockBench } from './unlock-bench.js';
import { SETUP_SCRYPT, listBench, writeBench } from './write-bench.js';

import { machineLines, startBenchRun, type BenchSizes, type Machine } from './bench-setup.js';

export type { BenchSizes, Machine, UiListFigureId };

export interface BenchOptions {
  json: boolean;
  quick: boolean;
  /** Where the report goes; defaults to stdout. */
  out?: (text: string) => void;
  /** Where progress lines go; defaults to stderr. */
  progress?: (line: string) => void;
}

export type FigureId =
  | 'write.repoPerTxn'
  | 'write.rawPerTxn'
  | 'write.ratioPerTxn'
  | 'write.repoBatched'
  | 'write.rawBatched'
  | 'write.ratioBatched'
  | 'stream.ours'
  | 'stream.nativeAesGcm'
  | 'stream.ratio'
  | 'stream.ratioCpu'
  | 'stream.peakRssGrowth'
  | 'stream.nativeChacha'
  | 'stream.noble'
  | 'unlock.defaultKdf'
  | 'list.first50'
  | 'list.first50FirstCall'
  | 'scheduler.idleTick'
  | 'scheduler.idleBackupCheck'
  | 'scheduler.allDueTick'
  | 'mail.ours'
  | 'mail.nodemailer'
  | 'mail.ratio'
  | 'mail.nodemailerRendered'
  | 'mail.ratioRendered'
  | 'mail.cpuOurs'
  | 'mail.cpuNodemailerRendered'
  | 'runner.coldStart'
  | 'runner.idleRssStart'
  | 'runner.idleRss'
  | 'runner.idleCpu'
  | 'runner.rpcWsMedian'
  | 'runner.rpcWsP90'
  | 'runner.rpcInProcessMedian'
  | 'runner.rpcInProcessP90'
  | 'runner.rpcRatio';

export interface BenchResult {
  benchmark: 'afterword';
  appVersion: string;
  quick: boolean;
  startedAt: string;
  durationS: number;
  machine: Machine;
  sizes: BenchSizes;
  /** The UI list figures (section 8) are there only when the section ran (it needs Chromium). */
  figures: Record<FigureId, Figure> & Partial<Record<UiListFigureId, Figure>>;
  goals: GoalSummary<FigureId | UiListFigureId>;
  checks: Record<string, number | boolean | string | number[]>;
}

export async function runBenchmarks(options: BenchOptions): Promise<BenchResult> {
  const { out, progress, sizes, startedAt, started, host } = startBenchRun(options, 'afterword bench');

  const tmp = await mkdtemp(join(tmpdir(), 'afterword-bench-'));
  try {
    const n = sizes.messages;
    progress(`[1/8] ${n} messages of ${sizes.bodyBytes} B: MessagesRepo.create vs raw better-sqlite3`);
    const writes = await writeBench(tmp, { messages: n, bodyBytes: sizes.bodyBytes }, progress);

    progress(`[2/8] stream encryption (median of ${sizes.streamRounds} rounds)`);
    const stream = await streamBench(
      { streamBytes: sizes.streamBytes, nobleBytes: sizes.nobleBytes, rounds: sizes.streamRounds },
      progress,
    );

    progress(`[3/8] unlock with the default KDF (median of ${sizes.unlockRuns})`);
    const unlock = await unlockBench(tmp, sizes.unlockRuns);

    progress(`[4/8] list the first ${sizes.listLimit} of ${n} messages (median of ${sizes.listRuns})`);
    const list = await listBench(writes.vaultDir, sizes.listRuns);

    progress(
      `[5/8] scheduler tick with nothing due: ${sizes.schedulerPlans} plans, ${sizes.schedulerMessages} messages ` +
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

    progress(
      `[6/8] outbox delivery of ${sizes.mails} e-mails vs nodemailer's pool, ${sizes.mailConnections} connections, ` +
        `loopback smtp-server (${sizes.mailRounds} round${sizes.mailRounds === 1 ? '' : 's'} each)`,
    );
    const mail = await mailBench(
      tmp,
      {
        mails: sizes.mails,
        bodyBytes: sizes.bodyBytes,
        connections: sizes.mailConnections,
        rounds: sizes.mailRounds,
        // One untimed round per side: the mail thread's code and heap settle only after several
        // hundred mails (with 200, ours measured ~40 % slower in the first timed round than after).
        warmup: sizes.mails,
        recipients: 10,
      },
      progress,
    );

    progress(
      `[7/8] runner: cold start (${sizes.runnerColdStarts}×), idle ${sizes.runnerIdleWindowS} s with ${sizes.runnerMessages} messages, ` +
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
      `[8/8] Messages screen in Chromium: ${sizes.uiListMessages} messages via afterword serve, first screen and far scrolls ` +
        `(${sizes.uiListRuns} page load${sizes.uiListRuns === 1 ? '' : 's'})`,
    );
    const ui = await uiListBench(
      tmp,
      { messages: sizes.uiListMessages, bodyBytes: sizes.bodyBytes, runs: sizes.uiListRuns },
      progress,
    );

    const perSecond = (count: number, ms: number): number => count / (ms / 1000);
    const mbps = (bytes: number, ms: number): number => bytes / MB / (ms / 1000);
    const w = `1. Write ${n} messages (${sizes.bodyBytes} B body)`;
    const count = (value: number): string => formatNumber(value);
    const m = `6. Deliver ${count(sizes.mails)} e-mails, loopback SMTP, ${sizes.mailConnections} connections (median of ${sizes.mailRounds})`;
    const r = `7. Runner: afterword serve, ${count(sizes.runnerMessages)} messages, unattended on (RPC: ${sizes.runnerRpcCalls} calls per side)`;
    const s = `2. Stream-encrypt ${sizes.streamBytes / MIB} MiB (64 KiB chunks, median of ${sizes.streamRounds} rounds)`;
    const figures: Record<FigureId, Figure> = {
      'write.repoPerTxn': figure(w, 'MessagesRepo.create, 1 txn/message', perSecond(n, writes.perTxn.repoMs), 'msg/s'),
      'write.rawPerTxn': figure(w, 'raw better-sqlite3 INSERT, 1 txn/row', perSecond(n, writes.perTxn.rawMs), 'msg/s'),
      'write.ratioPerTxn': figure(w, 'repo / raw time, 1 txn each', writes.perTxn.repoMs / writes.perTxn.rawMs, '×', {
        op: '<=',
        value: 3,
      }),
      'write.repoBatched': figure(w, 'MessagesRepo.create, all in 1 txn', perSecond(n, writes.batched.repoMs), 'msg/s'),
      'write.rawBatched': figure(w, 'raw INSERT, all in 1 txn', perSecond(n, writes.batched.rawMs), 'msg/s'),
      'write.ratioBatched': figure(w, 'repo / raw time, batched', writes.batched.repoMs / writes.batched.rawMs, '×'),
      'stream.ours': figure(
        s,
        `encryptBlobStream (${stream.oursCipher})`,
        mbps(sizes.streamBytes, stream.oursMs),
        'MB/s',
      ),
      'stream.nativeAesGcm': figure(
        s,
        'native aes-256-gcm, same chunking',
        mbps(sizes.streamBytes, stream.nativeAesMs),
        'MB/s',
      ),
      'stream.ratio': figure(s, 'ours / native aes-256-gcm throughput', stream.nativeAesMs / stream.oursMs, '×', {
        op: '>=',
        value: 0.5,
      }),
      'stream.ratioCpu': figure(s, 'same ratio on process CPU time', stream.nativeAesCpuMs / stream.oursCpuMs, '×'),
      'stream.peakRssGrowth': figure(s, 'peak RSS growth during ours', stream.peakRssGrowthBytes / MIB, 'MiB', {
        op: '<',
        value: 64,
      }),
      'stream.nativeChacha': figure(
        s,
        'native chacha20-poly1305, same chunking',
        mbps(sizes.streamBytes, stream.nativeChachaMs),
        'MB/s',
      ),
      'stream.noble': figure(
        s,
        `encryptBlobStream (noble), ${sizes.nobleBytes / MIB} MiB`,
        mbps(sizes.nobleBytes, stream.nobleMs),
        'MB/s',
      ),
      'unlock.defaultKdf': figure(
        `3. Unlock (scrypt logN ${unlock.logN})`,
        `Vault.open + unlock, median of ${sizes.unlockRuns}`,
        unlock.medianMs,
        'ms',
      ),
      'list.first50': figure(
        `4. List after unlock (${n} messages)`,
        `list({ limit: ${sizes.listLimit} }), median of ${sizes.listRuns}`,
        list.medianMs,
        'ms',
        { op: '<', value: 20 },
      ),
      'list.first50FirstCall': figure(
        `4. List after unlock (${n} messages)`,
        'first call after unlock',
        list.firstMs,
        'ms',
      ),
      'scheduler.idleTick': figure(
        `5. Scheduler tick (${sizes.schedulerPlans} plans armed, ${count(sizes.schedulerMessages)} messages)`,
        `nothing due: scheduler.tick(), median of ${sizes.schedulerTicks}`,
        sched.idleMedianMs,
        'ms',
        { op: '<', value: 10 },
      ),
      'scheduler.idleBackupCheck': figure(
        `5. Scheduler tick (${sizes.schedulerPlans} plans armed, ${count(sizes.schedulerMessages)} messages)`,
        `automatic-backup check, nothing due (pushed a minute ago): median of ${sizes.schedulerTicks}`,
        sched.idleBackupCheckMedianMs,
        'ms',
        { op: '<', value: 1 },
      ),
      'scheduler.allDueTick': figure(
        `5. Scheduler tick (${sizes.schedulerPlans} plans armed, ${count(sizes.schedulerMessages)} messages)`,
        `all ${sizes.schedulerPlans} plans due (each issues warning 1), 1 tick`,
        sched.allDueMs,
        'ms',
      ),
      'mail.ours': figure(
        m,
        'outbox → OutboxWorker.drain, pooled EmailSender in the mail thread',
        perSecond(sizes.mails, mail.oursMs),
        'mail/s',
      ),
      'mail.nodemailer': figure(
        m,
        `nodemailer pooled transport alone, ${sizes.bodyBytes} B text`,
        perSecond(sizes.mails, mail.nodemailerMs),
        'mail/s',
      ),
      // Context only: nodemailer here sends a smaller, text-only mail.
      'mail.ratio': figure(m, 'ours / nodemailer (text-only mail)', mail.nodemailerMs / mail.oursMs, '×'),
      'mail.nodemailerRendered': figure(
        m,
        'nodemailer alone, our rendered mail (text + HTML)',
        perSecond(sizes.mails, mail.nodemailerRenderedMs),
        'mail/s',
      ),
      // The goal: the same mails through nodemailer's own pooled transport.
      'mail.ratioRendered': figure(
        m,
        'ours / nodemailer with the same mail',
        mail.nodemailerRenderedMs / mail.oursMs,
        '×',
        {
          op: '>=',
          value: 0.8,
        },
      ),
      'mail.cpuOurs': figure(m, 'CPU per mail, ours (all threads, relay included)', mail.cpuUsPerMail.ours, 'µs'),
      'mail.cpuNodemailerRendered': figure(
        m,
        'CPU per mail, nodemailer with the same mail',
        mail.cpuUsPerMail.nodemailerRendered,
        'µs',
      ),
      'runner.coldStart': figure(
        r,
        `spawn serve → first /healthz 200, median of ${sizes.runnerColdStarts}`,
        runner.coldStartMedianMs,
        'ms',
      ),
      'runner.idleRssStart': figure(
        r,
        'RSS, signed in, start of the idle window',
        runner.idle.rssStartBytes / MB,
        'MB',
      ),
      'runner.idleRss': figure(r, `RSS after ${sizes.runnerIdleWindowS} s idle`, runner.idle.rssEndBytes / MB, 'MB', {
        op: '<',
        value: 100,
      }),
      // "≈ 0": under 1 % of one core over the window (one scheduler tick a minute, socket pings).
      'runner.idleCpu': figure(
        r,
        `CPU over the ${sizes.runnerIdleWindowS} s window (% of one core)`,
        runner.idle.cpuPercent,
        '%',
        {
          op: '<',
          value: 1,
        },
      ),
      'runner.rpcWsMedian': figure(
        r,
        `messages.list first ${sizes.listLimit}, over the WebSocket, median`,
        runner.ws.medianMs,
        'ms',
      ),
      'runner.rpcWsP90': figure(r, 'same, over the WebSocket, p90', runner.ws.p90Ms, 'ms'),
      'runner.rpcInProcessMedian': figure(r, 'same, router.call in process, median', runner.inProcess.medianMs, 'ms'),
      'runner.rpcInProcessP90': figure(r, 'same, router.call in process, p90', runner.inProcess.p90Ms, 'ms'),
      'runner.rpcRatio': figure(
        r,
        'WebSocket / in-process median',
        runner.ws.medianMs / runner.inProcess.medianMs,
        '×',
      ),
    };

    host.loadAverage.end = loadavg()[0] ?? 0;
    const allFigures: BenchResult['figures'] = { ...figures, ...(ui.skipped === null ? ui.figures : {}) };
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
        runnerIdleWindowMs: runner.idle.windowMs,
        runnerIdleCpuMs: runner.idle.cpuMs,
        ...(ui.skipped === null ? ui.checks : { uiListSkipped: ui.skipped }),
      },
    };

    const roundList = (ms: readonly number[]): string => ms.map((v) => Math.round(v)).join('/');
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
            `checks: nested transactions ${writes.checks.nestedTransactionsOk ? 'ok' : 'NOT OK'}, ` +
              `audit chains ${writes.checks.auditProblemsPerTxn + writes.checks.auditProblemsBatched === 0 ? 'intact' : 'BROKEN'}, ` +
              `unlock runs ${unlock.runsMs.map((ms) => Math.round(ms)).join('/')} ms, ` +
              `${result.durationS.toFixed(1)} s in all`,
            `scheduler: ${sched.checks.schedulerArmedPlans}/${sizes.schedulerPlans} plans armed, ` +
              `${sched.checks.schedulerIdleTransitions} transitions in the idle ticks ` +
              `and ${sched.checks.schedulerIdleBackupPushes} backup pushes ` +
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
            uiListLine(ui),
          ],
        ),
      );
    }
    return result;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
