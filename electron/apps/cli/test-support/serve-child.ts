// Test helper: `afterword serve` (or `serve --standby`) of the built CLI as a child process with
// --json, its address read from what it prints, stopped with SIGTERM or killed with SIGKILL.
// Only for *.test.ts files.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_BIN, REPO_ROOT, cleanEnv, type CliVault, type EnvOverrides } from './run-cli.js';

export interface ServeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ServeChild {
  child: ChildProcess;
  /** The base URL it printed, e.g. http://127.0.0.1:41234/ */
  url: string;
  printed: Record<string, unknown>;
  stderr(): string;
  exited: Promise<ServeExit>;
  /** SIGTERM, and the exit. */
  stop(): Promise<ServeExit>;
  /** SIGKILL, and the exit: as a power cut or a crash leaves things. */
  kill(): Promise<ServeExit>;
}

const START_TIMEOUT_MS = 60_000;

/**
 * Starts `afterword serve --port 0 --json …args` on `vault` with its environment plus `env`.
 * Resolves once it printed its address; rejects with its output when it exits first.
 */
export function startServe(vault: CliVault, args: readonly string[], env: EnvOverrides = {}): Promise<ServeChild> {
  const child = spawn(process.execPath, [CLI_BIN, 'serve', '--port', '0', '--json', ...args], {
    cwd: REPO_ROOT,
    env: cleanEnv(vault.env(env)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const exited = new Promise<ServeExit>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const signal = (name: NodeJS.Signals): Promise<ServeExit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  return new Promise<ServeChild>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve printed no address within ${START_TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(
        Object.assign(new Error(`serve exited (${exit.code}) first\nstdout: ${stdout}\nstderr: ${stderr}`), { exit }),
      );
    });
    child.stdout!.on('data', () => {
      let printed: Record<string, unknown>;
      try {
        printed = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        return; // not the whole document yet
      }
      clearTimeout(timer);
      resolve({
        child,
        url: printed.url as string,
        printed,
        stderr: () => stderr,
        exited,
        stop: () => signal('SIGTERM'),
        kill: () => signal('SIGKILL'),
      });
    });
  });
}

/** POST /api/test/clock: `advanceMs` (wall and monotonic) or `set` (the wall clock only). */
export async function moveClock(
  url: string,
  move: { advanceMs?: number; set?: string },
  headers: Record<string, string> = {},
): Promise<{ now: number }> {
  const res = await fetch(new URL('api/test/clock', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(move),
  });
  const reply = (await res.json()) as { ok: boolean; data?: { now: number }; message?: string };
  if (!reply.ok) throw new Error(`the test clock did not move: ${res.status} ${reply.message}`);
  return reply.data!;
}

/** GET /healthz as JSON. */
export async function health<T = Record<string, unknown>>(url: string): Promise<T> {
  return (await (await fetch(new URL('healthz', url))).json()) as T;
}

/** Polls `probe` until `ok` holds (a child process acts in its own time); the last value otherwise throws. */
export async function eventually<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
