/**
 * (0) The CLI's start, as cron and a shell pay it: each command a fresh `node bin/afterword.js`
 * (the built CLI, bundled when `npm run build` made the bundle), `runs` times, median.
 *
 * - `node -e 0` on the same machine, the floor any Node program pays; `--version` and `--help`;
 * - `tick` with nothing due on a vault of `plans` armed plans, unattended delivery on (the device
 *   key in 0600 files, no password, so no KDF): wall time and the CPU time of the whole process;
 * - `status` with the password (AFTERWORD_PASSWORD, default KDF), next to the KDF alone (scrypt
 *   at DEFAULT_SCRYPT in a fresh process, in turns with the command): what the command adds to it;
 * - `status` with a CLI session (`afterword unlock`), when this build has that command.
 *
 * NODE_EXTRA_CA_CERTS, where the environment sets it, makes every Node process read and parse those
 * certificates before its first line of JavaScript (~40 ms with Debian's bundle on the 2-core
 * machine), and cron gives a command no such variable: the commands run without it, like
 * `node -e 0`, and `node -e 0` and the tick are measured once more with it, to show what it adds.
 *
 * Each run goes through `sh -c 'node …; times'`: the shell's `times` prints the user and system
 * CPU time of its finished children, so the CPU figure is the whole process, start to exit.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { defaultPlanSpec } from '../../../shared/plans.js';
import { DEFAULT_SCRYPT, scryptMaxmem } from '../../core/crypto/kdf.js';
import { initializeVaultContent } from '../../core/engine.js';
import { createVaultServices } from '../../core/services.js';
import { Vault } from '../../core/vault/vault.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { systemClock } from '../../node/system-clock.js';
import { childEnv, findRepoRoot } from './runner-process.js';
import { figure, type Figure } from './report.js';
import { median, nowMs } from './stats.js';
import { BENCH_PASSWORD } from './write-bench.js';

export interface CliStartSizes {
  runs: number;
  plans: number;
}

export interface Timed {
  wallMs: number;
  cpuMs: number;
}

export interface CliStartResult {
  node: Timed;
  version: Timed;
  help: Timed;
  tick: Timed;
  status: Timed;
  kdfMs: number;
  /**
   * `status` with the password beyond the KDF: the median of each status run's wall time less the
   * KDF alone timed just before it.
   */
  statusOverKdfMs: number;
  /** `status` with a session, or why it was not measured. */
  session: Timed | { skipped: string };
  /** `node -e 0` and the tick with the environment's NODE_EXTRA_CA_CERTS, when it sets one. */
  withExtraCaCerts: { node: Timed; tick: Timed } | null;
  checks: Record<string, number[] | string>;
}

interface Run {
  wallMs: number;
  cpuMs: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** `sh -c 'node args…; times'`: the child's wall time and its user + system CPU time. */
function runTimed(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const script = '"$0" "$@" >&3; code=$?; times; exit $code';
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const child = spawn('sh', ['-c', script, process.execPath, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let times = '';
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => (times += b.toString('utf8')));
    child.stdio[3]!.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = nowMs() - started;
      // `times`: the shell's own user/system line, then its children's, as `0m0.123s 0m0.045s`.
      const seconds = [...(times.trim().split('\n').at(-1) ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map(
        ([, m, s]) => Number(m) * 60 + Number(s),
      );
      const cpuMs = seconds.length === 2 ? (seconds[0]! + seconds[1]!) * 1000 : Number.NaN;
      resolve({ wallMs, cpuMs, code: code ?? -1, stdout, stderr });
    });
  });
}

async function medianOf(
  runs: number,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Timed & { wallRunsMs: number[]; last: Run }> {
  const done: Run[] = [];
  for (let i = 0; i < runs; i++) done.push(await runOk(args, env));
  return summary(done);
}

async function runOk(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const run = await runTimed(args, env);
  if (run.code !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${run.code}): ${run.stderr}`);
  return run;
}

function summary(done: Run[]): Timed & { wallRunsMs: number[]; last: Run } {
  return {
    wallMs: median(done.map((r) => r.wallMs)),
    cpuMs: median(done.map((r) => r.cpuMs)),
    wallRunsMs: done.map((r) => r.wallMs),
    last: done.at(-1)!,
  };
}

/**
 * The password's KDF alone, as `status` pays it: scrypt at the default cost on the thread pool of
 * a fresh process (the time of the call only, printed by the child).
 */
const KDF_ALONE = [
  "const { randomBytes, scrypt } = require('node:crypto');",
  'const [logN, r, p, maxmem] = process.argv.slice(1).map(Number);',
  'const start = process.hrtime.bigint();',
  "scrypt('a password', randomBytes(16), 32, { N: 2 ** logN, r, p, maxmem }, (error) => {",
  '  if (error) throw error;',
  '  process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));',
  '});',
].join('\n');

async function kdfAloneMs(env: NodeJS.ProcessEnv): Promise<number> {
  const { logN, r, p } = DEFAULT_SCRYPT;
  const args = ['-e', KDF_ALONE, String(logN), String(r), String(p), String(scryptMaxmem(DEFAULT_SCRYPT))];
  const ms = Number((await runOk(args, env)).stdout);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error('the KDF alone printed no duration');
  return ms;
}

/** `plans` armed plans (the default one among them), the default KDF, unattended delivery on. */
async function makeTickVault(vaultDir: string, keyDir: string, plans: number): Promise<void> {
  const { vault } = await Vault.create(vaultDir, BENCH_PASSWORD, { clock: systemClock, scrypt: DEFAULT_SCRYPT });
  try {
    const services = createVaultServices(vault, systemClock);
    vault.db.q.transaction(() => {
      initializeVaultContent(services);
      const spec = defaultPlanSpec();
      for (let i = 1; i < plans; i++) services.plans.create({ ...spec, name: `Bench plan ${i}` });
    });
    await vault.enableDeviceKey(new FileKeyStore(keyDir));
  } finally {
    await vault.close();
  }
}

/** The session a `afterword unlock --json` printed, in whichever shape it prints it. */
function sessionFrom(stdout: string): string | null {
  try {
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    for (const key of ['AFTERWORD_SESSION', 'session', 'token'])
      if (typeof printed[key] === 'string') return printed[key];
  } catch {
    // not JSON: a shell line
  }
  return /AFTERWORD_SESSION=['"]?([^'"\s]+)/.exec(stdout)?.[1] ?? null;
}

async function sessionStatus(
  runs: number,
  bin: string,
  env: NodeJS.ProcessEnv,
): Promise<{ timed: Timed | { skipped: string }; runsMs: number[] }> {
  const unlock = await runTimed([bin, 'unlock', '--json'], { ...env, AFTERWORD_PASSWORD: BENCH_PASSWORD });
  if (unlock.code !== 0 && /unknown command/.test(unlock.stderr))
    return { timed: { skipped: 'this build has no `afterword unlock` (CLI sessions)' }, runsMs: [] };
  const session = unlock.code === 0 ? sessionFrom(unlock.stdout) : null;
  if (!session) return { timed: { skipped: `afterword unlock printed no session (exit ${unlock.code})` }, runsMs: [] };
  const timed = await medianOf(runs, [bin, 'status', '--json'], { ...env, AFTERWORD_SESSION: session });
  await runTimed([bin, 'lock'], { ...env, AFTERWORD_SESSION: session });
  return { timed: { wallMs: timed.wallMs, cpuMs: timed.cpuMs }, runsMs: timed.wallRunsMs };
}

export async function cliStartBench(
  tmp: string,
  sizes: CliStartSizes,
  progress: (line: string) => void,
): Promise<CliStartResult> {
  const bin = join(findRepoRoot(), 'bin', 'afterword.js');
  const vaultDir = join(tmp, 'vault-cli');
  const keyDir = join(tmp, 'keys-cli');
  await makeTickVault(vaultDir, keyDir, sizes.plans);
  const inherited: NodeJS.ProcessEnv = { ...childEnv(vaultDir, keyDir), AFTERWORD_KEY_STORE: 'file' };
  delete inherited.AFTERWORD_SCRYPT_LOGN;
  const env: NodeJS.ProcessEnv = { ...inherited };
  delete env.NODE_EXTRA_CA_CERTS;

  const node = await medianOf(sizes.runs, ['-e', '0'], env);
  const version = await medianOf(sizes.runs, [bin, '--version'], env);
  const help = await medianOf(sizes.runs, [bin, '--help'], env);
  progress(`  node -e 0 ${Math.round(node.wallMs)} ms, --version ${Math.round(version.wallMs)} ms`);
  const tick = await medianOf(sizes.runs, [bin, 'tick', '--json'], env);
  const drained = (JSON.parse(tick.last.stdout) as { drain?: { attempted?: number } }).drain?.attempted;
  if (drained !== 0) throw new Error(`the idle tick sent something (${tick.last.stdout})`);
  progress(`  tick ${Math.round(tick.wallMs)} ms wall, ${Math.round(tick.cpuMs)} ms CPU`);
  const withExtraCaCerts = inherited.NODE_EXTRA_CA_CERTS
    ? {
        node: await medianOf(sizes.runs, ['-e', '0'], inherited),
        tick: await medianOf(sizes.runs, [bin, 'tick', '--json'], inherited),
      }
    : null;

  // Taken in turns, so that both see the machine as it is at the time (its speed drifts), and
  // compared in pairs: on the 2-core VM the KDF alone takes ~610 ms in one run and 750–820 ms in
  // the next (most of scrypt's time is the first touch of its 128 MiB), so a median of the status
  // runs less a median of the KDF runs can be off by that gap when the two medians fall on
  // different sides of it; the median of the runs' differences is much less so.
  const kdfRuns: number[] = [];
  const statusRuns: Run[] = [];
  for (let i = 0; i < sizes.runs; i++) {
    kdfRuns.push(await kdfAloneMs(env));
    statusRuns.push(await runOk([bin, 'status', '--json'], { ...env, AFTERWORD_PASSWORD: BENCH_PASSWORD }));
  }
  const status = summary(statusRuns);
  const session = await sessionStatus(sizes.runs, bin, env);
  if ('skipped' in session.timed) progress(`  status with a session: skipped, ${session.timed.skipped}`);

  return {
    node,
    version,
    help,
    tick,
    status,
    kdfMs: median(kdfRuns),
    statusOverKdfMs: median(statusRuns.map((run, i) => run.wallMs - kdfRuns[i]!)),
    session: session.timed,
    withExtraCaCerts,
    checks: {
      cliNodeRunsMs: node.wallRunsMs,
      cliVersionRunsMs: version.wallRunsMs,
      cliHelpRunsMs: help.wallRunsMs,
      cliTickRunsMs: tick.wallRunsMs,
      cliStatusRunsMs: status.wallRunsMs,
      cliKdfRunsMs: kdfRuns,
      ...('skipped' in session.timed
        ? { cliSessionSkipped: session.timed.skipped }
        : { cliSessionStatusRunsMs: session.runsMs }),
    },
  };
}

export type CliStartFigureId =
  | 'cli.node'
  | 'cli.version'
  | 'cli.versionRatio'
  | 'cli.help'
  | 'cli.helpRatio'
  | 'cli.tickWall'
  | 'cli.tickCpu'
  | 'cli.kdf'
  | 'cli.status'
  | 'cli.statusOverKdf';
/**
 * Only where this build has CLI sessions (`afterword unlock`), and where the environment sets
 * NODE_EXTRA_CA_CERTS (what it adds to every start).
 */
export type CliOptionalFigureId = 'cli.statusSession' | 'cli.nodeExtraCaCerts' | 'cli.tickCpuExtraCaCerts';

export function cliStartFigures(
  sizes: CliStartSizes,
  cli: CliStartResult,
): Record<CliStartFigureId, Figure> & Partial<Record<CliOptionalFigureId, Figure>> {
  const c = `10. CLI start: a fresh process per command, median of ${sizes.runs}`;
  const t = `tick, nothing due, ${sizes.plans} plans, unattended (no KDF)`;
  const ms = Math.round;
  return {
    'cli.node': figure(
      c,
      `\`node -e 0\` (the floor on this machine${cli.withExtraCaCerts ? ', without NODE_EXTRA_CA_CERTS as all below' : ''})`,
      cli.node.wallMs,
      'ms',
    ),
    'cli.version': figure(c, '`afterword --version`', cli.version.wallMs, 'ms'),
    'cli.versionRatio': figure(c, '--version / node -e 0', cli.version.wallMs / cli.node.wallMs, '×', {
      op: '<=',
      value: 2,
    }),
    'cli.help': figure(c, '`afterword --help`', cli.help.wallMs, 'ms'),
    'cli.helpRatio': figure(c, '--help / node -e 0', cli.help.wallMs / cli.node.wallMs, '×', { op: '<=', value: 2 }),
    'cli.tickWall': figure(c, `${t}: wall`, cli.tick.wallMs, 'ms', { op: '<=', value: 300 }),
    'cli.tickCpu': figure(c, `${t}: CPU of the process (user + sys)`, cli.tick.cpuMs, 'ms', { op: '<=', value: 250 }),
    'cli.kdf': figure(
      c,
      `the password KDF alone (scrypt logN ${DEFAULT_SCRYPT.logN}, in a fresh process)`,
      cli.kdfMs,
      'ms',
    ),
    'cli.status': figure(c, '`status` with the password: wall', cli.status.wallMs, 'ms'),
    'cli.statusOverKdf': figure(
      c,
      '`status` with the password, beyond the KDF (median of the runs, each less the KDF alone run before it)',
      cli.statusOverKdfMs,
      'ms',
      { op: '<=', value: 200 },
      `medians ${ms(cli.status.wallMs)} ms − ${ms(cli.kdfMs)} ms = ${ms(cli.status.wallMs - cli.kdfMs)} ms`,
    ),
    ...('skipped' in cli.session
      ? {}
      : {
          'cli.statusSession': figure(c, '`status` with a session (`afterword unlock`)', cli.session.wallMs, 'ms', {
            op: '<=',
            value: 300,
          }),
        }),
    ...(cli.withExtraCaCerts
      ? {
          'cli.nodeExtraCaCerts': figure(
            c,
            '`node -e 0` with NODE_EXTRA_CA_CERTS as this environment sets it',
            cli.withExtraCaCerts.node.wallMs,
            'ms',
          ),
          'cli.tickCpuExtraCaCerts': figure(
            c,
            'the same tick with it: CPU of the process',
            cli.withExtraCaCerts.tick.cpuMs,
            'ms',
          ),
        }
      : {}),
  };
}
