import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../test-support/manual-clock.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { findToken } from '../repo/tokens.js';
import { AppCore } from './app-core.js';
import { runContractSuite, type SuiteTransport } from './test-support/contract-suite.js';
import { createRouter } from './router.js';
import type { Caller } from './router-types.js';

/** The in-process transport: what the Electron IPC does (one trusted renderer, owner once unlocked). */
async function inProcess(): Promise<SuiteTransport> {
  const root = await mkdtemp(join(tmpdir(), 'afterword-contract-'));
  const clock = new ManualClock(Date.UTC(2027, 0, 1));
  const app = new AppCore({
    vaultDir: join(root, 'vault'),
    clock,
    keyStore: new FileKeyStore(join(root, 'keys')),
    scrypt: { logN: 15, r: 8, p: 1 },
  });
  const router = createRouter(app, { validateOutput: true });
  const client = (role: () => Caller['role']) => ({
    call: (method: string, input?: unknown) => router.call(method, input, { role: role(), transport: 'test' }),
  });
  return {
    owner: () => client(() => (app.isUiUnlocked ? 'owner' : 'public')),
    anonymous: () => client(() => 'public'),
    bearer: (token) =>
      client(() => {
        const services = app.keyedServices();
        return findToken(services.context, token)?.role ?? 'public';
      }),
    rowCounts: () => {
      const sqlite = app.vaultOrThrow().db.sqlite;
      const tables = sqlite
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
        .pluck()
        .all() as string[];
      return Object.fromEntries(
        tables.map((t) => [t, sqlite.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]),
      );
    },
    close: async () => {
      await app.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

runContractSuite('in-process router', inProcess);
