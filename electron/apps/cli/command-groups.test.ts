import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Command, Help } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMAND_GROUPS, declareCommands, groupsFor } from './command-groups.js';
import { commandWord } from './command-word.js';
import type { CliContext } from './cli-context.js';
import {
  CLI_BIN,
  CliVault,
  REPO_ROOT,
  TempDirs,
  cleanEnv,
  describeResult,
  runCli,
  useWeakTestKdf,
} from './test-support/run-cli.js';

const noContext = (): CliContext => {
  throw new Error('registering a command must not build the context');
};

describe('the CLI loads only the command group it runs', () => {
  it('each group registers exactly the top-level commands declared for it, as --help lists them', async () => {
    const seen: string[] = [];
    const help = new Help();
    for (const group of COMMAND_GROUPS) {
      const program = new Command('afterword');
      (await group.load())(program, noContext);
      const names = program.commands.map((c) => c.name());
      expect(names).toEqual(group.names);
      expect(program.commands.map((c) => ({ term: help.subcommandTerm(c), description: c.description() }))).toEqual(
        group.commands,
      );
      seen.push(...names);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('the root help from the declared table is the help of the loaded commands', async () => {
    const loaded = new Command('afterword');
    for (const group of COMMAND_GROUPS) (await group.load())(loaded, noContext);
    const declared = new Command('afterword');
    declareCommands(declared);
    expect(declared.helpInformation()).toBe(loaded.helpInformation());
    expect(declared.helpInformation()).toContain('test-send <messageId>');
  });

  it('finds the command word past global options and their values', () => {
    expect(commandWord(['--json', 'status'])).toBe('status');
    expect(commandWord(['--vault', 'message', 'plan', 'list'])).toBe('plan');
    expect(commandWord(['--vault=/tmp/v', 'message', 'list'])).toBe('message');
    expect(commandWord(['--', 'tick'])).toBe('tick');
    expect(commandWord(['--json'])).toBeUndefined();
  });

  it("loads a known command's group (also for help <command>), none for --version, help or an unknown word", () => {
    expect(groupsFor(['backup', 'now', '--json']).map((g) => g.names)).toEqual([
      expect.arrayContaining(['backup', 'restore']),
    ]);
    expect(groupsFor(['help', 'message']).map((g) => g.names)).toEqual([expect.arrayContaining(['message'])]);
    expect(groupsFor(['--json', 'help', 'tick']).map((g) => g.names)).toEqual([expect.arrayContaining(['tick'])]);
    expect(groupsFor(['--version'])).toEqual([]);
    expect(groupsFor(['-V'])).toEqual([]);
    expect(groupsFor([])).toEqual([]);
    expect(groupsFor(['--help'])).toEqual([]);
    expect(groupsFor(['help'])).toEqual([]);
    expect(groupsFor(['no-such-command'])).toEqual([]);
  });
});

useWeakTestKdf();
const temp = new TempDirs();
afterAll(() => temp.cleanup());

/** Every command path the modules register, e.g. ['channel', 'webhook', 'add'], from the declared groups. */
async function commandPaths(): Promise<string[][]> {
  const paths: string[][] = [];
  const walk = (cmd: Command, path: string[]): void => {
    for (const sub of cmd.commands) {
      paths.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  for (const group of COMMAND_GROUPS) {
    const program = new Command('afterword');
    (await group.load())(program, noContext);
    walk(program, []);
  }
  return paths;
}

/** Runs `fn` over `items`, `width` at a time. */
async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** `afterword serve --port 0`: its first /healthz answer, then SIGTERM and how it exited. */
async function serveOnce(vault: CliVault): Promise<{ health: number; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI_BIN, 'serve', '--port', '0', '--json'], {
    cwd: REPO_ROOT,
    env: cleanEnv(vault.env()),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', () => {
        try {
          resolve((JSON.parse(stdout) as { port: number }).port);
        } catch {
          // not all of it yet
        }
      });
      void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
    });
    // Healthy once the scheduler runs on the vault (opened with the device key): a moment after listening.
    let health = 0;
    for (let tries = 0; tries < 500 && health !== 200; tries++) {
      if (tries > 0) await new Promise((r) => setTimeout(r, 20));
      health = (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
    }
    child.kill('SIGTERM');
    return { health, code: await exited, stderr };
  } finally {
    clearTimeout(guard);
    child.kill('SIGKILL');
  }
}

describe('every command of the built CLI still loads its module (lazy loading broke none)', () => {
  it("--help of every command and subcommand prints that command's usage", async () => {
    const paths = await commandPaths();
    expect(paths.length).toBeGreaterThan(COMMAND_GROUPS.flatMap((g) => g.names).length);
    const wrong: string[] = [];
    await inBatches(paths, 4, async (path) => {
      const result = await runCli([...path, '--help']);
      const usage = `Usage: afterword ${path.join(' ')} `;
      if (result.code !== 0 || !result.stdout.startsWith(usage))
        wrong.push(`${path.join(' ')}: ${describeResult(result)}`);
    });
    expect(wrong).toEqual([]);
  }, 300_000);

  it('one real call per command group: vault, content, plan, channel, engine, scheduler, serve, mfa, backup, export', async () => {
    const v = await CliVault.create(temp, 'groups');
    await v.init(); // vault
    expect(await v.json(['doctor'])).toMatchObject({ ok: true }); // vault
    expect(await v.json(['recipient', 'list'])).toEqual([]); // content
    expect(await v.json<unknown[]>(['plan', 'list'])).toHaveLength(1); // plan
    expect(await v.json(['owner', 'set', '--email', 'me@example.org'])).toMatchObject({}); // channel
    expect(await v.json(['status'])).toMatchObject({ plans: expect.any(Array) }); // engine
    expect(await v.json(['tick'])).toMatchObject({ tick: { transitions: [] }, drain: { attempted: 0 } }); // scheduler
    expect(await v.json(['mfa', 'status'])).toMatchObject({ enabled: false }); // mfa
    expect(await v.json(['backup', 'target', 'show'])).toEqual({ target: null }); // backup
    const out = join(v.root, 'all.age');
    const exported = await v.run(['export', '--out', out, '--passphrase', '--json'], {
      AFTERWORD_EXPORT_PASSPHRASE: 'a long export passphrase for the test',
    });
    expect(exported.code, describeResult(exported)).toBe(0); // export
    expect(await v.json(['unattended', 'enable'])).toEqual({ enabled: true }); // engine
    const served = await serveOnce(v); // serve
    expect(served.health, served.stderr).toBe(200);
    expect(served.code, served.stderr).toBe(0);
  }, 180_000);
});
