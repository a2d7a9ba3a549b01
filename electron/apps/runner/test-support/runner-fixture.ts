// Test helper: a real runner on 127.0.0.1 (any free port) over a real vault in a temporary
// directory, with the cheapest scrypt cost the vault accepts. Only for *.test.ts files.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppCore, type AppCoreDeps } from '../../../core/api/app-core.js';
import { FileKeyStore } from '../../../node/file-key-store.js';
import { ManualClock } from '../../../core/test-support/manual-clock.js';
import type { Clock } from '../../../core/ports/clock.js';
import { startRunner, type Runner, type RunnerOptions } from '../server.js';
import { HttpClient } from './http-client.js';

export const PASSWORD = 'correct horse battery staple';
export const T0 = Date.UTC(2031, 5, 1, 8, 0, 0);
export const SCRYPT = { logN: 15, r: 8, p: 1 };
/**
 * A scheduler cron for tests that count rows: the minute tick would otherwise arm plans or run the
 * daily attachment check whenever a test crosses a wall-clock minute, so "nothing written" would
 * fail by chance. Leap days only; such tests run passes explicitly.
 */
export const LEAP_DAY_TICKS = '0 0 29 2 *';

export interface RunnerFixture {
  root: string;
  vaultDir: string;
  app: AppCore;
  clock: Clock;
  runner: Runner;
  base: string;
  /** A new browser tab: its own cookie jar; it opened the printed setup link (its `vault.create` carries the token). */
  client(): HttpClient;
  /** Row counts of every table of the vault. */
  rowCounts(): Record<string, number>;
  /** Stops the runner and starts a new process's worth (AppCore + runner) on the same vault: the key is gone. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  clock?: Clock;
  engine?: AppCoreDeps['engine'];
  runner?: Partial<Omit<RunnerOptions, 'app' | 'clock'>>;
}

export async function startFixture(options: FixtureOptions = {}): Promise<RunnerFixture> {
  const root = await mkdtemp(join(tmpdir(), 'afterword-runner-'));
  const vaultDir = join(root, 'vault');
  const clock = options.clock ?? new ManualClock(T0);
  const start = async () => {
    const app = new AppCore({
      vaultDir,
      clock,
      keyStore: new FileKeyStore(join(root, 'keys')),
      scrypt: SCRYPT,
      engine: options.engine,
    });
    return {
      app,
      runner: await startRunner({ app, clock, host: '127.0.0.1', port: 0, validateOutput: true, ...options.runner }),
    };
  };
  const { app, runner } = await start();
  const fixture: RunnerFixture = {
    root,
    vaultDir,
    app,
    clock,
    runner,
    base: runner.url,
    client: () => new HttpClient(fixture.base, {}, () => fixture.runner.setupToken),
    rowCounts: () => {
      const sqlite = fixture.app.vaultOrThrow().db.sqlite;
      const tables = sqlite
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
        .pluck()
        .all() as string[];
      return Object.fromEntries(
        tables.map((t) => [t, sqlite.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]),
      );
    },
    restart: async () => {
      await fixture.runner.close(); // closes its AppCore too
      Object.assign(fixture, await start());
      fixture.base = fixture.runner.url;
    },
    close: async () => {
      await fixture.runner.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** A fixture with a vault created through HTTP; returns the owner's client and the recovery key. */
export async function startWithVault(
  options: FixtureOptions = {},
): Promise<{ f: RunnerFixture; owner: HttpClient; recoveryKey: string }> {
  const f = await startFixture(options);
  const owner = f.client();
  const { recoveryKey } = await owner.data<{ recoveryKey: string }>('vault.create', { password: PASSWORD });
  return { f, owner, recoveryKey };
}
