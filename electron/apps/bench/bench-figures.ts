/**
 * The figures of sections 1 to 7, each next to its goal (where it has one), from what the sections
 * measured. Section 8 (the Messages screen) and the backup section make their own figures.
 */
import { figure, formatNumber, type Figure } from './report.js';
import type { BenchSizes } from './bench-setup.js';
import type { MailResult } from './mail-bench.js';
import { mailFigures, type MailFigureId } from './mail-figures.js';
import type { RunnerResult } from './runner-bench.js';
import { cliStartFigures, type CliStartFigureId, type CliStartResult } from './cli-start-bench.js';
import type { SchedulerResult } from './scheduler-bench.js';
import { MB, MIB } from './stats.js';
import type { StreamResult } from './stream-bench.js';
import type { UnlockResult } from './unlock-bench.js';
import type { ListResult, WriteResult } from './write-bench.js';

export type FigureId =
  | MailFigureId
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
  | 'runner.coldStart'
  | 'runner.idleRssStart'
  | 'runner.idleRss'
  | 'runner.idleCpu'
  | 'runner.rpcWsMedian'
  | 'runner.rpcWsP90'
  | 'runner.rpcInProcessMedian'
  | 'runner.rpcInProcessP90'
  | 'runner.rpcRatio'
  | CliStartFigureId;

/** What sections 1 to 7 measured. */
export interface CoreResults {
  writes: WriteResult;
  stream: StreamResult;
  unlock: UnlockResult;
  list: ListResult;
  sched: SchedulerResult;
  mail: MailResult;
  runner: RunnerResult;
  cli: CliStartResult;
}

export function coreFigures(sizes: BenchSizes, results: CoreResults): Record<FigureId, Figure> {
  const { writes, stream, unlock, list, sched, mail, runner, cli } = results;
  const n = sizes.messages;
  const perSecond = (count: number, ms: number): number => count / (ms / 1000);
  const mbps = (bytes: number, ms: number): number => bytes / MB / (ms / 1000);
  const w = `1. Write ${n} messages (${sizes.bodyBytes} B body)`;
  const count = (value: number): string => formatNumber(value);
  const r = `7. Runner: afterword serve, ${count(sizes.runnerMessages)} messages, unattended on (RPC: ${sizes.runnerRpcCalls} calls per side)`;
  const s = `2. Stream-encrypt ${sizes.streamBytes / MIB} MiB (64 KiB chunks, median of ${sizes.streamRounds} rounds)`;
  return {
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
    ...mailFigures(sizes, mail),
    'runner.coldStart': figure(
      r,
      `spawn serve → first /healthz 200, median of ${sizes.runnerColdStarts}`,
      runner.coldStartMedianMs,
      'ms',
      { op: '<=', value: 500 },
    ),
    'runner.idleRssStart': figure(r, 'RSS, signed in, start of the idle window', runner.idle.rssStartBytes / MB, 'MB'),
    'runner.idleRss': figure(r, `RSS after ${sizes.runnerIdleWindowS} s idle`, runner.idle.rssEndBytes / MB, 'MB', {
      op: '<',
      value: 80,
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
    'runner.rpcRatio': figure(r, 'WebSocket / in-process median', runner.ws.medianMs / runner.inProcess.medianMs, '×'),
    ...cliStartFigures({ runs: sizes.cliRuns, plans: sizes.cliPlans }, cli),
  };
}
