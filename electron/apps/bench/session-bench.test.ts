// Structure of the session figures (`afterword bench --only session`): every figure finite and
// positive, the goal on the session's status only. Timings are not asserted.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt } from '../cli/test-support/run-cli.js';
import { SESSION_FIGURE_IDS, sessionBench } from './session-bench.js';

let tmp = '';
beforeAll(async () => {
  assertCliBuilt();
  tmp = await mkdtemp(join(tmpdir(), 'afterword-session-bench-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('sessionBench', { timeout: 180_000 }, () => {
  it('times status with a session, with the password and --version through the built CLI', async () => {
    const result = await sessionBench(tmp, 1);
    expect(Object.keys(result.figures).sort()).toEqual([...SESSION_FIGURE_IDS].sort());
    for (const id of SESSION_FIGURE_IDS) {
      const f = result.figures[id];
      expect(Number.isFinite(f.value) && f.value > 0, `${id} is finite and positive`).toBe(true);
      expect(f.unit).toBe('ms');
      expect(f.goal !== null, `${id} has a goal or not`).toBe(id === 'cli.statusWithSession');
    }
    expect(result.figures['cli.statusWithSession'].goal).toEqual({ op: '<=', value: 300 });
    expect(result.checks.sessionStatusRunsMs).toHaveLength(1);
    // The session was locked at the end: no stored copy of the key is left behind.
    const keys = await readdir(join(tmp, 'session-keys'));
    expect(keys.filter((name) => name.endsWith('.session'))).toEqual([]);
  });
});
