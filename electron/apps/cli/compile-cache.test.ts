import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertCliBuilt, cleanEnv, describeResult, REPO_ROOT, runCli, TempDirs } from './test-support/run-cli.js';

// bin/afterword.js runs the CommonJS bundle through V8's code cache, kept in dist/cli/.v8-cache.
// Other test files run the CLI at the same time: each assertion holds whoever wrote the file.
const CACHE_DIR = join(REPO_ROOT, 'dist', 'cli', '.v8-cache');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The cache file of the entry chunk, which every command compiles. */
function entryCacheFile(): string | undefined {
  if (!existsSync(CACHE_DIR)) return undefined;
  const name = readdirSync(CACHE_DIR).find((file) => file.startsWith('main.js.') && file.endsWith(`-${process.arch}`));
  return name === undefined ? undefined : join(CACHE_DIR, name);
}

/** The file in the cache folder whose name starts with `prefix` (and ends with this machine's arch). */
function cacheFileStarting(prefix: string): string | undefined {
  const name = readdirSync(CACHE_DIR).find((file) => file.startsWith(prefix) && file.endsWith(`-${process.arch}`));
  return name === undefined ? undefined : join(CACHE_DIR, name);
}

const temp = new TempDirs();
afterAll(() => temp.cleanup());

beforeAll(() => {
  assertCliBuilt();
  // bin/afterword.js runs the bundle only while it is newer than the tsc build.
  const built = (file: string): number =>
    statSync(join(REPO_ROOT, 'dist', file), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built('cli/main.js') < Math.max(built('.tsbuild/node.tsbuildinfo'), built('.tsbuild/shared.tsbuildinfo')))
    throw new Error('the CLI bundle in dist/cli is older than the tsc build: run npm run build first');
});

describe('the CLI bundle runs through the code cache', () => {
  it('a run leaves the cache of what it compiled; the next run uses it and writes nothing', async ({ expect }) => {
    const first = await runCli(['--version']);
    expect(first.code, describeResult(first)).toBe(0);
    const file = entryCacheFile();
    expect(file, `no cache file for main.js in ${CACHE_DIR}`).toBeDefined();
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const written = statSync(file!).mtimeMs;

    const second = await runCli(['--version']);
    expect(second.code, describeResult(second)).toBe(0);
    expect(second.stdout.trim()).toBe(VERSION);
    // A file V8 refused would have been written again at exit.
    expect(statSync(file!).mtimeMs).toBe(written);
  });

  it('a damaged cache file is refused (checksum) and written again; the command runs as before', async ({ expect }) => {
    await runCli(['--version']);
    const file = entryCacheFile()!;
    const damaged = Buffer.from(readFileSync(file));
    // Past the header (V8 checks that on its own), through the compiled code.
    for (let at = 64; at < damaged.length; at += 61) damaged[at] = damaged[at]! ^ 0x5a;
    writeFileSync(file, damaged);

    const run = await runCli(['--version']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(run.stdout.trim()).toBe(VERSION);
    expect(readFileSync(file).equals(damaged)).toBe(false);
  });

  it('the first run of a command writes again the caches it shares with the commands run before', async ({
    expect,
  }) => {
    // `status` where there is no vault: it loads the CLI's context and the engine's commands, then says so.
    const env = { AFTERWORD_VAULT: join(await temp.make('cache'), 'none') };
    await runCli(['status', '--json'], { env });
    const ran = cacheFileStarting('ran-status.');
    const shared = cacheFileStarting('cli-context-');
    expect(ran, 'no record that status ran').toBeDefined();
    expect(shared, 'no cache file for the CLI context chunk').toBeDefined();
    // As if status had never run since the build.
    rmSync(ran!);
    const before = statSync(shared!).mtimeMs;
    const first = await runCli(['status', '--json'], { env });
    expect(first.code, describeResult(first)).not.toBe(0);
    expect(existsSync(ran!)).toBe(true);
    expect(statSync(shared!).mtimeMs).toBeGreaterThan(before);
  });

  it("a long run's first run does not write again the caches it read: V8 dropped code it had not run lately", async ({
    expect,
  }) => {
    // Its own cache folder: other test files' first runs write the shared one at any time.
    const dir = await temp.make('long-run');
    const cacheDir = join(dir, 'cache');
    const script = join(dir, 'run.cjs');
    writeFileSync(
      script,
      [
        "const { join } = require('node:path');",
        'const { bundleDir, cacheDir, longRunSeconds } = JSON.parse(process.env.CACHE_TEST);',
        `require(${JSON.stringify(join(REPO_ROOT, 'bin', 'compile-cache.cjs'))}).useCompileCache(bundleDir, 'status', { cacheDir, longRunSeconds });`,
        "require(join(bundleDir, 'main.js'));",
      ].join('\n'),
    );
    const status = (longRunSeconds: number): number | null =>
      spawnSync(process.execPath, [script, 'status', '--json'], {
        cwd: REPO_ROOT,
        env: cleanEnv({
          AFTERWORD_VAULT: join(dir, 'none'),
          CACHE_TEST: JSON.stringify({ bundleDir: join(REPO_ROOT, 'dist', 'cli'), cacheDir, longRunSeconds }),
        }),
      }).status;
    const inFolder = (prefix: string): string | undefined => {
      const name = readdirSync(cacheDir).find((file) => file.startsWith(prefix) && file.endsWith(`-${process.arch}`));
      return name === undefined ? undefined : join(cacheDir, name);
    };

    expect(status(1e9)).toBe(4); // no vault there: it says so
    const ran = inFolder('ran-status.')!;
    const shared = inFolder('cli-context-')!;
    expect(existsSync(ran) && existsSync(shared)).toBe(true);
    const written = statSync(shared).mtimeMs;

    // Every run counts as long: its first run is recorded, the shared cache stays as it was.
    rmSync(ran);
    expect(status(0)).toBe(4);
    expect(existsSync(ran)).toBe(true);
    expect(statSync(shared).mtimeMs).toBe(written);
    // The same first run, short: the shared cache is written again.
    rmSync(ran);
    expect(status(1e9)).toBe(4);
    expect(statSync(shared).mtimeMs).toBeGreaterThan(written);
  });
});
