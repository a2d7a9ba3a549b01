// A message the core reported as saved survives a crash, and a crash never damages the vault:
// a child process adds messages in a loop and is killed with SIGKILL at random moments, 20 times.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT } from '../../core/crypto/kdf.js';
import { createVaultServices } from '../../core/services.js';
import { Vault } from '../../core/vault/vault.js';
import { systemClock } from '../../node/system-clock.js';
import { CliVault, REPO_ROOT, TempDirs, cleanEnv, describeResult } from './test-support/run-cli.js';
import { testScript } from './test-support/test-script.js';

const temp = new TempDirs();
/** Node arguments running test-support/crash-writer.ts (set in beforeAll, once dist/ is known to be up to date). */
let writer: string[];
beforeAll(() => {
  writer = testScript('apps/cli/test-support/crash-writer.ts');
});
afterAll(() => temp.cleanup());

const ROUNDS = 20;

interface Round {
  round: number;
  plan: string;
  added: Map<string, string>;
  ready: boolean;
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const randomInt = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min + 1));

/**
 * One child: most rounds wait until it is unlocked and writing, then kill it 0–250 ms later;
 * every fifth round kills it at a random moment after the spawn instead, which may fall while it
 * is still opening, migrating or unlocking the vault.
 */
function runRound(vault: CliVault, round: number): Promise<Round> {
  const early = round % 5 === 4;
  const delay = early ? randomInt(0, 900) : randomInt(0, 250);
  const result: Round = {
    round,
    plan: early ? `kill ${delay} ms after spawn` : `kill ${delay} ms after READY`,
    added: new Map(),
    ready: false,
    signal: null,
    code: null,
    stderr: '',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...writer, vault.dir, String(round)], {
      cwd: REPO_ROOT,
      env: cleanEnv({ AFTERWORD_PASSWORD: vault.password }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const watchdog = setTimeout(kill, 30_000);
    if (early) setTimeout(kill, delay);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        const added = /^ADDED (\S+) (.+)$/.exec(line);
        if (added) result.added.set(added[1]!, added[2]!);
        else if (line === 'READY') {
          result.ready = true;
          if (!early) setTimeout(kill, delay);
        }
      }
      // A partial last line (cut by the kill) is not a report: it stays in `pending`.
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (result.stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      result.code = code;
      result.signal = signal;
      resolve(result);
    });
  });
}

describe('crash safety', { timeout: 300_000 }, () => {
  it(`survives ${ROUNDS} SIGKILLs while adding messages: every reported message is there, intact`, async () => {
    const v = await CliVault.create(temp, 'crash');
    await v.init();

    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const r = await runRound(v, round);
      rounds.push(r);
      // Killed by us, not crashed on its own (an error in the writer would exit with a code).
      expect(r.signal, `round ${round} (${r.plan}): exit ${r.code}\n${r.stderr}`).toBe('SIGKILL');
      await sleep(randomInt(0, 50));
    }
    const added = new Map(rounds.flatMap((r) => [...r.added]));
    const summary = rounds
      .map((r) => `#${r.round} ${r.plan}: ${r.ready ? `${r.added.size} added` : 'killed before READY'}`)
      .join('\n');
    expect(rounds.filter((r) => r.ready).length, summary).toBeGreaterThanOrEqual(ROUNDS - ROUNDS / 5);
    expect(added.size, summary).toBeGreaterThan(ROUNDS);

    const db = new Database(join(v.dir, 'vault.db'));
    try {
      expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }

    const doctor = await v.run(['doctor', '--json']);
    expect(doctor.code, describeResult(doctor)).toBe(0);
    expect(JSON.parse(doctor.stdout)).toMatchObject({ ok: true, problems: [] });

    const vault = await Vault.open(v.dir, { clock: systemClock, scrypt: { ...DEFAULT_SCRYPT, logN: 15 } });
    try {
      await vault.unlock(v.password);
      const { messages } = createVaultServices(vault, systemClock);
      for (const [id, title] of added) expect(messages.get(id).title, summary).toBe(title);
      // At most one message per kill can be committed without its ADDED line having been printed.
      const { total } = messages.list({ limit: 1 });
      expect(total).toBeGreaterThanOrEqual(added.size);
      expect(total - added.size).toBeLessThanOrEqual(ROUNDS);
    } finally {
      await vault.close();
    }
  });
});
