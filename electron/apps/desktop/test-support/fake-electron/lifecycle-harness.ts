// Test helper: starts the compiled main entry (dist/electron/apps/desktop/main.js) in a child Node process
// under the fake `electron`, and drives it. Needs the TypeScript build (`npm run build`, or the
// `tsc -b` that `npm run typecheck` runs): the real compiled entry is what is tested. The fake and
// the runner around it are test code, which the build leaves out: they are bundled from source
// once per test process (`--import tsx` cost each shell about two CPU-seconds to start).
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertDesktopBuilt } from '../../../cli/test-support/run-cli.js';
import { bundleTestScripts } from '../../../cli/test-support/test-script.js';
import type { FakeRecord } from './fake-electron.js';
import type { RunnerCommand } from './lifecycle-runner.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const MAIN_ENTRY = join(ROOT, 'dist', 'electron', 'apps', 'desktop', 'main.js');
const FAKE = 'apps/desktop/test-support/fake-electron';

/**
 * The runner and the loader hook as JavaScript, with the fake electron that both the runner and
 * the compiled shell import (through the hook) as one module.
 */
function bundledRunner(): { runner: string; register: string } {
  const [runner, register] = bundleTestScripts(
    ['lifecycle-runner.ts', 'register-fake-electron.ts', 'electron-resolve-hook.ts', 'fake-electron.ts'].map(
      (name) => `${FAKE}/${name}`,
    ),
  );
  return { runner: runner!, register: register! };
}

export interface ShellProcess {
  readonly dir: string;
  /** Every record so far (read from the log file, so also after the process has gone). */
  records(): FakeRecord[];
  /** Polls the records until one matches; rejects if the process exits first. */
  waitFor(predicate: (r: FakeRecord) => boolean, what: string): Promise<FakeRecord>;
  send<T = unknown>(command: RunnerCommand): Promise<T>;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface ShellOptions {
  env?: Record<string, string>;
  /** An existing directory to reuse (vault and keys from an earlier run). */
  dir?: string;
  /** Command-line arguments after the entry (as Electron's process.argv has them). */
  args?: string[];
}

/** The built main.js exists and is not older than the sources it is built from (core and shell). */
export function assertBuilt(): void {
  if (!existsSync(MAIN_ENTRY)) throw new Error(`${MAIN_ENTRY} is missing: build first (npm run build, or npx tsc -b)`);
  assertDesktopBuilt();
}

export async function startShell(options: ShellOptions = {}): Promise<ShellProcess> {
  assertBuilt();
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'afterword-shell-')));
  const log = join(dir, `electron-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
  const { runner, register } = bundledRunner();
  const child: ChildProcess = fork(runner, [MAIN_ENTRY, ...(options.args ?? [])], {
    execArgv: ['--import', register],
    env: {
      ...process.env,
      AFTERWORD_VAULT: join(dir, 'vault'),
      AFTERWORD_KEY_DIR: join(dir, 'keys'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_DATA_HOME: join(dir, 'data'),
      FAKE_ELECTRON_LOG: log,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true, // its own process group: stop() also ends what the shell started (gdbus monitor)
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));

  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const waiter = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) waiter?.resolve(m.result);
    else waiter?.reject(new Error(m.error));
  });
  void exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`the shell exited before answering\n${output}`));
    pending.clear();
  });

  const records = (): FakeRecord[] => {
    if (!existsSync(log)) return [];
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FakeRecord);
  };

  return {
    dir,
    records,
    exited,
    async waitFor(predicate, what) {
      for (;;) {
        const found = records().find(predicate);
        if (found) return found;
        if (gone)
          throw new Error(
            `the shell exited without ${what}; records: ${JSON.stringify(records().map((r) => r.what))}\n${output}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    send<T>(command: RunnerCommand): Promise<T> {
      if (gone) return Promise.reject(new Error(`the shell has exited\n${output}`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, ...command });
      });
    },
    async stop() {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
      await exited;
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
