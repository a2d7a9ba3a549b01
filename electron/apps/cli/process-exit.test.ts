import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, REPO_ROOT } from './test-support/run-cli.js';

const MODULE = pathToFileURL(join(REPO_ROOT, 'dist', 'electron', 'apps', 'cli', 'process-exit.js')).href;
/** 4 MiB to stdout: far more than a pipe holds, so most of it waits for the reader. */
const BIG_OUTPUT = "const chunk = 'x'.repeat(64 * 1024); for (let i = 0; i < 64; i++) process.stdout.write(chunk);";

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` (an ES module) in a child whose stdout nobody reads for the first 300 ms. */
function runSlowlyRead(script: string): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 300);
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => assertCliBuilt());

describe('exitWhenIdle', () => {
  it('loses none of the output a slow reader has not taken yet, and keeps the exit code and exit listeners', async () => {
    const ended = await runSlowlyRead(`
      import { exitWhenIdle } from '${MODULE}';
      ${BIG_OUTPUT}
      process.on('exit', (code) => process.stderr.write('exit listener: ' + code));
      process.exitCode = 3;
      exitWhenIdle();
    `);
    expect(ended.stdout).toHaveLength(64 * 64 * 1024);
    expect(ended.code).toBe(3);
    expect(ended.stderr).toBe('exit listener: 3');
  });

  it('lets another beforeExit listener start more work, which then runs', async () => {
    const ended = await runSlowlyRead(`
      import { exitWhenIdle } from '${MODULE}';
      exitWhenIdle();
      let late = false;
      process.on('beforeExit', () => {
        if (late) return;
        late = true;
        setTimeout(() => process.stdout.write('late work done'), 50);
      });
    `);
    expect(ended.stdout).toBe('late work done');
    expect(ended.code).toBe(0);
  });
});

describe('exitAfterOutput', () => {
  it('exits with the code once stdout is out, though a timer would keep the process a minute', async () => {
    const started = Date.now();
    const ended = await runSlowlyRead(`
      import { exitAfterOutput } from '${MODULE}';
      setTimeout(() => undefined, 60_000);
      ${BIG_OUTPUT}
      process.stderr.write('said on stderr');
      exitAfterOutput(5);
    `);
    expect(ended.stdout).toHaveLength(64 * 64 * 1024);
    expect(ended.stderr).toBe('said on stderr');
    expect(ended.code).toBe(5);
    // Not the timer's minute (a bound on correctness, not a timing goal).
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
