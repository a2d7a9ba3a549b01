// One process per vault schedules and sends: a second `run` (or `serve`) is refused and says who
// holds the vault; `tick` from cron steps aside while it runs, and works again once it stopped.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CLI_BIN,
  CliVault,
  TempDirs,
  assertCliBuilt,
  cleanEnv,
  describeResult,
  parseJsonStdout,
} from './test-support/run-cli.js';

const temp = new TempDirs();
beforeAll(() => assertCliBuilt());
afterAll(() => temp.cleanup());

it(
  'a second run is refused with exit 5 naming the holder; tick skips meanwhile; both work after',
  { timeout: 120_000 },
  async () => {
    const v = await CliVault.create(temp, 'one-runner');
    await v.init();
    const running = spawn(process.execPath, [CLI_BIN, 'run'], {
      env: cleanEnv(v.env()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => running.on('close', (code) => resolve(code)));
    let stderr = '';
    running.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    try {
      await expect.poll(() => stderr, { timeout: 30_000 }).toMatch(/Afterword is running on/);

      const [second, tick] = await Promise.all([v.run(['run', '--json']), v.run(['tick', '--json'])]);
      expect(second.code, describeResult(second)).toBe(5);
      const error = parseJsonStdout<{ error: { code: string; message: string } }>(second).error;
      expect(error.code).toBe('VAULT_BUSY');
      expect(error.message).toMatch(new RegExp(`already run by \`afterword run\` \\(pid ${running.pid} on `));
      expect(tick.code, describeResult(tick)).toBe(0);
      expect(parseJsonStdout(tick)).toMatchObject({
        skipped: true,
        heldBy: { program: 'afterword run', pid: running.pid },
      });
    } finally {
      running.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const tick = await v.json<{ tick: unknown; drain: unknown }>(['tick']);
    expect(tick).toHaveProperty('drain');
  },
);

it(
  'tick does not step aside for a holder that cannot send (serve waiting for the password)',
  { timeout: 120_000 },
  async () => {
    const v = await CliVault.create(temp, 'locked-holder');
    await v.init();
    const serving = spawn(process.execPath, [CLI_BIN, '--json', 'serve', '--port', '0'], {
      env: cleanEnv(v.env({ AFTERWORD_PASSWORD: undefined })),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => serving.on('close', (code) => resolve(code)));
    let stdout = '';
    serving.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    try {
      await expect.poll(() => stdout, { timeout: 30_000 }).toMatch(/"port"/);
      const tick = await v.run(['tick', '--json']);
      expect(tick.code, describeResult(tick)).toBe(0);
      expect(parseJsonStdout(tick)).toHaveProperty('drain');
      expect(tick.stderr).toMatch(
        /afterword serve \(pid \d+\) holds this vault but is not sending \(locked\): ticking from here/,
      );
    } finally {
      serving.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  },
);
