import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { MIB, nowMs } from './stats.js';

export interface BenchSizes {
  messages: number;
  bodyBytes: number;
  streamBytes: number;
  streamRounds: number;
  nobleBytes: number;
  unlockRuns: number;
  listRuns: number;
  listLimit: number;
  schedulerPlans: number;
  schedulerMessages: number;
  schedulerTicks: number;
  mails: number;
  /** OutboxWorker lanes = nodemailer pool connections. */
  mailConnections: number;
  mailRounds: number;
  /** Messages in the runner's vault (section 7). */
  runnerMessages: number;
  runnerColdStarts: number;
  /** The idle window over which the runner's RSS and CPU are sampled. */
  runnerIdleWindowS: number;
  /** messages.list calls timed on each side (WebSocket, in process). */
  runnerRpcCalls: number;
  /** CLI start (section 10): runs per command, and the plans in the vault `tick` runs on. */
  cliRuns: number;
  cliPlans: number;
  /** Messages in the vault behind the Messages screen in Chromium (section 8), and its page loads. */
  uiListMessages: number;
  uiListRuns: number;
  /** The backup section's vault: messages, and attachments of `backupAttachmentBytes` each. */
  backupMessages: number;
  backupAttachments: number;
  backupAttachmentBytes: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  arch: string;
  totalMemoryMiB: number;
  /** 1-minute load average when the run started and when it ended: other work skews the figures. */
  loadAverage: { start: number; end: number };
}

export function benchSizes(quick: boolean): BenchSizes {
  return {
    messages: quick ? 1_000 : 10_000,
    bodyBytes: 2048,
    streamBytes: (quick ? 32 : 256) * MIB,
    streamRounds: quick ? 3 : 5,
    nobleBytes: (quick ? 8 : 32) * MIB,
    unlockRuns: 3,
    listRuns: 20,
    listLimit: 50,
    schedulerPlans: quick ? 20 : 100,
    schedulerMessages: quick ? 1_000 : 10_000,
    schedulerTicks: 50,
    mails: quick ? 100 : 1_000,
    mailConnections: 4,
    // Five: on a shared 2-core machine single rounds of either side spread by a third or more.
    mailRounds: quick ? 1 : 5,
    runnerMessages: quick ? 1_000 : 10_000,
    runnerColdStarts: 3,
    runnerIdleWindowS: quick ? 5 : 60,
    runnerRpcCalls: 200,
    cliRuns: quick ? 3 : 10,
    cliPlans: quick ? 20 : 100,
    uiListMessages: quick ? 1_000 : 10_000,
    uiListRuns: quick ? 1 : 5,
    backupMessages: quick ? 1_000 : 10_000,
    backupAttachments: quick ? 8 : 100,
    backupAttachmentBytes: MIB,
  };
}

export function machine(): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    node: process.version,
    platform: platform(),
    arch: arch(),
    totalMemoryMiB: Math.round(totalmem() / MIB),
    loadAverage: { start: loadavg()[0] ?? 0, end: loadavg()[0] ?? 0 },
  };
}

/** The report's header lines about the machine: what it is, and how busy it was. */
export function machineLines(host: Machine): string[] {
  const busy = host.loadAverage.start > host.cores / 2 || host.loadAverage.end > host.cores / 2;
  return [
    `machine: ${host.cpu}, ${host.cores} cores, ${host.totalMemoryMiB} MiB, ${host.platform}/${host.arch}`,
    `load average (1 min) ${host.loadAverage.start.toFixed(2)} at start, ${host.loadAverage.end.toFixed(2)} at end` +
      (busy ? ': the machine was busy, figures are pessimistic' : ''),
  ];
}

/** Where a run writes: its report (stdout by default) and progress lines (stderr by default). */
export interface BenchOutputs {
  quick: boolean;
  out?: (text: string) => void;
  progress?: (line: string) => void;
}

/** What every bench run (whole or one section) starts with; prints the header line. */
export function startBenchRun(options: BenchOutputs, label: string) {
  const out = options.out ?? ((text: string) => void process.stdout.write(text));
  const progress = options.progress ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const sizes = benchSizes(options.quick);
  const startedAt = new Date();
  const started = nowMs();
  const host = machine();
  progress(`${label}${options.quick ? ' --quick' : ''}: ${host.cpu}, ${host.cores} cores, node ${host.node}`);
  return { out, progress, sizes, startedAt, started, host };
}
