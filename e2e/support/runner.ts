// `afterword serve` as a child process (the compiled CLI, as a user starts it) on a fresh vault in a
// temporary directory, with the test clock on and the device-key directory inside that temporary
// directory, so nothing outside it is touched. It runs in its own process group, killed whole.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv, type TempDirs } from '../../electron/apps/cli/test-support/run-cli.js';
import { CLI_ENTRY, RENDERER_DIR, REPO_ROOT } from './env.js';

export interface ServeOptions {
  /** Where the runner's clock starts (ISO 8601); real time otherwise. */
  fakeNow?: string;
  /** A directory holding `vault/` and `keys/` already (made with the CLI); a fresh one otherwise. */
  root?: string;
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

export class ServeProcess {
  private stderrText = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly vaultDir: string,
  ) {
    child.stderr!.on('data', (chunk: Buffer) => (this.stderrText += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  private baseUrl: string | null = null;
  private printedSetupUrl: string | null = null;

  /** The link serve printed for creating the vault (`…/?setup=TOKEN`), as a user would open it; the base URL once a vault exists. */
  get openUrl(): string {
    return this.printedSetupUrl ?? this.url;
  }

  /** The base URL, e.g. http://127.0.0.1:41234/. */
  get url(): string {
    if (this.baseUrl === null) throw new Error('afterword serve has not printed its address yet');
    return this.baseUrl;
  }

  static async start(temp: TempDirs, options: ServeOptions = {}): Promise<ServeProcess> {
    const root = options.root ?? (await temp.make('e2e'));
    const vaultDir = join(root, 'vault');
    const child = spawn(
      process.execPath,
      [CLI_ENTRY, '--json', '--vault', vaultDir, 'serve', '--port', '0', '--renderer-dir', RENDERER_DIR],
      {
        cwd: REPO_ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: cleanEnv({
          AFTERWORD_ALLOW_FAKE_CLOCK: '1',
          AFTERWORD_FAKE_NOW: options.fakeNow,
          AFTERWORD_KEY_DIR: join(root, 'keys'),
          // The cheapest password KDF the vault accepts: first run and unlock take milliseconds.
          AFTERWORD_SCRYPT_LOGN: '15',
        }),
      },
    );
    running.add(child);
    child.once('exit', () => running.delete(child));
    const served = new ServeProcess(child, vaultDir);
    const printed = await served.readUrl();
    served.baseUrl = printed.url;
    served.printedSetupUrl = printed.setupUrl;
    return served;
  }

  /** The error lines the runner logged so far (`<time> error [runner…] …`): a test expects none. */
  errors(): string[] {
    return this.stderrText.split('\n').filter((line) => /^\S+ error \[/.test(line));
  }

  /** With --json, serve prints one JSON document ({url, listen, port, vaultDir, setupToken, setupUrl}) once it listens. */
  private readUrl(): Promise<{ url: string; setupUrl: string | null }> {
    return new Promise((resolve, reject) => {
      let stdout = '';
      const fail = (why: string): void => {
        clearTimeout(timer);
        reject(new Error(`afterword serve ${why}\nstdout: ${stdout}\nstderr: ${this.stderrText}`));
      };
      const timer = setTimeout(() => fail(`printed no address within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
      this.child.once('exit', (code) => fail(`exited with code ${code} before it printed its address`));
      this.child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        let printed: { url?: unknown; setupUrl?: unknown };
        try {
          printed = JSON.parse(stdout) as { url?: unknown; setupUrl?: unknown };
        } catch {
          return; // not the whole document yet
        }
        clearTimeout(timer);
        if (typeof printed.url === 'string')
          resolve({ url: printed.url, setupUrl: typeof printed.setupUrl === 'string' ? printed.setupUrl : null });
        else fail(`printed no url: ${stdout}`);
      });
    });
  }

  /** SIGTERM to the process group (serve finishes what it is sending), SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    signalGroup(this.child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(this.child, 'SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

// A test worker that exits without running afterAll must not leave runners behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) signalGroup(child, 'SIGKILL');
});
