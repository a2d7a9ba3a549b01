/**
 * `afterword status` with a terminal session (`afterword unlock`), as a shell runs it: a new
 * process each time, the built CLI, a vault made with the default KDF. Beside it, for scale, the
 * same status with the password (one scrypt per process) and `--version` (Node's start and the
 * CLI's entry alone).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { figure, type Figure } from './report.js';
import { childEnv, findRepoRoot } from './runner-process.js';
import { median, nowMs } from './stats.js';
import { BENCH_PASSWORD } from './write-bench.js';

export const SESSION_FIGURE_IDS = ['cli.statusWithSession', 'cli.statusWithPassword', 'cli.version'] as const;
export type SessionFigureId = (typeof SESSION_FIGURE_IDS)[number];

export interface SessionBenchResult {
  figures: Record<SessionFigureId, Figure>;
  checks: { sessionStatusRunsMs: number[]; passwordStatusRunsMs: number[]; versionRunsMs: number[] };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const bin = join(findRepoRoot(), 'bin', 'afterword.js');
  return new Promise((resolve, reject) => {
    const start = nowMs();
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: nowMs() - start }));
  });
}

async function mustRun(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const run = await runCli(args, env);
  if (run.code !== 0) throw new Error(`afterword ${args.join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
  return run;
}

async function timed(runs: number, args: string[], env: NodeJS.ProcessEnv): Promise<number[]> {
  await mustRun(args, env); // untimed: the first start reads the files from disk
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await mustRun(args, env)).ms);
  return times;
}

export async function sessionBench(tmp: string, runs: number): Promise<SessionBenchResult> {
  const base = childEnv(join(tmp, 'session-vault'), join(tmp, 'session-keys'));
  // The default KDF, as a real vault has it: the password's figure is what a session saves.
  delete base.AFTERWORD_SCRYPT_LOGN;
  const withPassword = { ...base, AFTERWORD_PASSWORD: BENCH_PASSWORD };
  await mustRun(['init', '--json'], { ...withPassword, AFTERWORD_NEW_PASSWORD: BENCH_PASSWORD });
  const { session } = JSON.parse((await mustRun(['unlock', '--json', '--timeout', '1h'], withPassword)).stdout) as {
    session: string;
  };
  const withSession = { ...base, AFTERWORD_SESSION: session };

  const sessionRuns = await timed(runs, ['status', '--json'], withSession);
  const passwordRuns = await timed(runs, ['status', '--json'], withPassword);
  const versionRuns = await timed(runs, ['--version'], base);
  await mustRun(['lock'], base);

  const section = `CLI: a new process per command, default KDF (median of ${runs})`;
  return {
    figures: {
      'cli.statusWithSession': figure(section, 'afterword status with AFTERWORD_SESSION', median(sessionRuns), 'ms', {
        op: '<=',
        value: 300,
      }),
      'cli.statusWithPassword': figure(section, 'afterword status with AFTERWORD_PASSWORD', median(passwordRuns), 'ms'),
      'cli.version': figure(section, 'afterword --version (start-up alone)', median(versionRuns), 'ms'),
    },
    checks: { sessionStatusRunsMs: sessionRuns, passwordStatusRunsMs: passwordRuns, versionRunsMs: versionRuns },
  };
}
