// Test helper: runs the real, compiled `afterword` CLI as a child process (black-box), each test
// against its own temporary vault. Only for *.test.ts files; nothing in the app imports it.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin', 'afterword.js'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot();
export const CLI_BIN = join(REPO_ROOT, 'bin', 'afterword.js');
const CLI_ENTRY = join(REPO_ROOT, 'dist', 'electron', 'apps', 'cli', 'main.js');

/** Test-only password; every vault made here uses the fastest KDF cost the CLI accepts. */
export const TEST_PASSWORD = 'correct horse battery staple';
export const TEST_SCRYPT_LOGN = '15';

/** The CLI's test knob: vaults below the KDF floor, which open only where the knob is set too. */
export const WEAK_TEST_KDF_ENV = { AFTERWORD_ALLOW_WEAK_KDF: '1', AFTERWORD_SCRYPT_LOGN: '10' } as const;
let weakKdf = false;

/**
 * Every CliVault of this test file is made and opened with WEAK_TEST_KDF_ENV (scrypt at 2^10, not
 * 2^15: each unlocking command spends milliseconds, not a sixth of a second, in the KDF). Not for
 * files that restore backups (the restore checks the bucket's copy against the real floor) or
 * that check what the CLI prints on stderr.
 */
export function useWeakTestKdf(): void {
  weakKdf = true;
}

function sourcesUnder(root: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const full = join(root, entry.name);
    if (entry.isDirectory()) {
      // The shell is built by another project; test helpers are not built at all (they run from source).
      if (entry.name === 'desktop' || entry.name === 'test-support') continue;
      out.push(...sourcesUnder(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out;
}

let builtChecked = false;

/** Whether `source` (absolute) is compiled: its .js is newer, or the project's build info is. */
function isCompiled(source: string, srcRoot: string, outRoot: string, infoTime: number): boolean {
  const output = join(outRoot, relative(srcRoot, source).replace(/\.ts$/, '.js'));
  const outTime = existsSync(output) ? statSync(output).mtimeMs : -1;
  return outTime >= 0 && statSync(source).mtimeMs <= Math.max(outTime, infoTime);
}

const mtimeOf = (file: string): number => (existsSync(file) ? statSync(file).mtimeMs : 0);

/** A tsc project: its sources, where it writes, and its build info. */
interface BuiltProject {
  src: string;
  out: string;
  info: string;
}

const CORE_PROJECTS: readonly BuiltProject[] = [
  { src: 'electron', out: 'dist/electron', info: 'dist/.tsbuild/node.tsbuildinfo' },
  { src: 'shared', out: 'dist/shared', info: 'dist/.tsbuild/shared.tsbuildinfo' },
];
const SHELL_PROJECT: BuiltProject = {
  src: 'electron/apps/desktop',
  out: 'dist/electron/apps/desktop',
  info: 'dist/.tsbuild/shell.tsbuildinfo',
};

/** Throws, naming `what`, when a product source of `projects` is newer than its output in dist/. */
function assertUpToDate(what: string, projects: readonly BuiltProject[]): void {
  const stale: string[] = [];
  for (const project of projects) {
    const infoTime = mtimeOf(join(REPO_ROOT, project.info));
    const srcRoot = join(REPO_ROOT, project.src);
    const outRoot = join(REPO_ROOT, project.out);
    for (const source of sourcesUnder(srcRoot)) {
      if (!isCompiled(source, srcRoot, outRoot, infoTime)) stale.push(relative(REPO_ROOT, source));
    }
  }
  if (stale.length > 0) {
    throw new Error(
      `the compiled ${what} in dist/ is older than ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', …' : ''}: run npx tsc -b first`,
    );
  }
}

/**
 * The CLI runs from dist/, so a test against stale output would test old code. `npm test` runs
 * `tsc -b` before vitest; when vitest is run alone, this says so instead of testing the past.
 * A source counts as built when its .js is newer, or when the project's build info is newer
 * (tsc -b does not rewrite outputs whose content did not change).
 */
export function assertCliBuilt(): void {
  if (builtChecked) return;
  if (!existsSync(CLI_ENTRY)) {
    throw new Error(`the CLI is not built (${relative(REPO_ROOT, CLI_ENTRY)} is missing): run npx tsc -b first`);
  }
  assertUpToDate('CLI', CORE_PROJECTS);
  builtChecked = true;
}

/** Like assertCliBuilt, for the desktop app (its own tsc project) and the core it loads. */
export function assertDesktopBuilt(): void {
  assertCliBuilt();
  assertUpToDate('desktop app', [SHELL_PROJECT]);
}

export type EnvOverrides = Readonly<Record<string, string | undefined>>;

/** The parent's environment without any AFTERWORD_* (or NODE_OPTIONS) leaking in, plus `overrides`. */
export function cleanEnv(overrides: EnvOverrides = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('AFTERWORD_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface CliResult {
  /** Exit code, or -1 when the process was killed by a signal. */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: EnvOverrides;
  cwd?: string;
  timeoutMs?: number;
  /** Written to standard input, which is then closed (without it, stdin is closed at once). */
  input?: string;
}

/** Spawns `node bin/afterword.js ...args` and collects its output. stdin is not a TTY (no prompts). */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  assertCliBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      env: cleanEnv(options.env),
      cwd: options.cwd ?? REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(options.input ?? '');
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Parses stdout as exactly one JSON document (JSON.parse rejects a second one or stray text). */
export function parseJsonStdout<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    throw new Error(
      `stdout is not exactly one JSON document (${(error as Error).message}).\n` +
        `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
      { cause: error },
    );
  }
}

/** A one-line description of a result for assertion messages. */
export function describeResult(result: CliResult): string {
  return `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
}

/** Temporary directories made by a test file; `cleanup()` in afterAll removes them all. */
export class TempDirs {
  private readonly dirs: string[] = [];

  async make(label: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `afterword-${label}-`));
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** One test vault: its directory, key directory and password, and a `run` bound to them. */
export class CliVault {
  readonly dir: string;
  readonly keyDir: string;
  password = TEST_PASSWORD;

  constructor(readonly root: string) {
    this.dir = join(root, 'vault');
    this.keyDir = join(root, 'keys');
  }

  static async create(temp: TempDirs, label: string): Promise<CliVault> {
    return new CliVault(await temp.make(label));
  }

  /**
   * A copy of `base` (its closed vault and key folder) in a new directory: the same vault (same
   * ids, same password) for a fraction of the cost of setting one up again. `base` must not be in use.
   */
  static async copyOf(base: CliVault, temp: TempDirs, label: string): Promise<CliVault> {
    const copy = new CliVault(await temp.make(label));
    await cp(base.root, copy.root, { recursive: true });
    copy.password = base.password;
    return copy;
  }

  env(extra: EnvOverrides = {}): EnvOverrides {
    return {
      AFTERWORD_VAULT: this.dir,
      AFTERWORD_PASSWORD: this.password,
      AFTERWORD_SCRYPT_LOGN: TEST_SCRYPT_LOGN,
      AFTERWORD_KEY_DIR: this.keyDir,
      // Never the OS key store of whoever runs the tests (keyring.test.ts tests that one in a private session).
      AFTERWORD_KEY_STORE: 'file',
      ...(weakKdf ? WEAK_TEST_KDF_ENV : {}),
      ...extra,
    };
  }

  run(args: readonly string[], extraEnv: EnvOverrides = {}, input?: string): Promise<CliResult> {
    return runCli(args, { env: this.env(extraEnv), input });
  }

  /** Runs with --json, requires exit 0 and returns the parsed document. */
  async json<T = unknown>(args: readonly string[], extraEnv: EnvOverrides = {}): Promise<T> {
    const result = await this.run([...args, '--json'], extraEnv);
    if (result.code !== 0) throw new Error(`afterword ${args.join(' ')} failed: ${describeResult(result)}`);
    return parseJsonStdout<T>(result);
  }

  /** `afterword init --json`; returns the recovery key. */
  async init(): Promise<string> {
    const created = await this.json<{ vaultDir: string; recoveryKey: string }>(['init']);
    return created.recoveryKey;
  }

  async messageCount(): Promise<number> {
    return (await this.json<{ total: number }>(['message', 'list'])).total;
  }

  /** Files in blobs/ (encrypted attachments and any leftovers). */
  async blobFiles(): Promise<string[]> {
    return readdir(join(this.dir, 'blobs')).catch(() => []);
  }
}
