// Rows cut from the end of the audit log with a raw SQLite editor: every CLI command unlocks, and
// the unlock appends a row, so the cut must be found by that append and recorded, not sealed over.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StatusReport } from '../../core/schedule/status.js';
import { CliVault, TempDirs, assertCliBuilt, describeResult, parseJsonStdout } from './test-support/run-cli.js';

const temp = new TempDirs();

beforeAll(() => assertCliBuilt());
afterAll(() => temp.cleanup());

type Verdict = { ok: boolean; problems: Array<{ seq: number | null; problem: string }> };

function withRawDb<T>(v: CliVault, work: (db: Database.Database) => T): T {
  const db = new Database(join(v.dir, 'vault.db'));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

it(
  'audit verify, status and the owner hear of audit rows cut from the end, every time after',
  { timeout: 120_000 },
  async () => {
    const v = await CliVault.create(temp, 'cut');
    await v.init();
    await v.json(['owner', 'set', '--email', 'owner@example.org']);
    await v.json(['recipient', 'add', '--name', 'Ana', '--email', 'ana@example.org']);
    expect(await v.json(['audit', 'verify'])).toEqual({ ok: true, problems: [] });

    const cutTo = withRawDb(v, (db) => {
      db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
      const newest = (db.prepare('SELECT max(seq) AS seq FROM audit_log').get() as { seq: number }).seq;
      db.prepare('DELETE FROM audit_log WHERE seq > ?').run(newest - 3);
      return newest - 3;
    });

    // On this machine the high-water mark catches the cut first: the vault is older than it was.
    const marked = await v.run(['audit', 'verify', '--json']);
    expect(marked.code, describeResult(marked)).toBe(3);
    expect(parseJsonStdout<{ error: { code: string; message: string } }>(marked).error.message).toMatch(
      /older than the one this machine last saw/,
    );

    // On a machine without that mark (another one, or its key directory lost), every command's
    // unlock appends to the log: the append must find the cut and record it, not seal over it.
    const elsewhere = { AFTERWORD_KEY_DIR: `${v.keyDir}-elsewhere` };
    for (let round = 0; round < 2; round++) {
      const verify = await v.run(['audit', 'verify', '--json'], elsewhere);
      expect(verify.code, describeResult(verify)).toBe(3);
      const verdict = parseJsonStdout<Verdict>(verify);
      expect(verdict.ok).toBe(false);
      expect(verdict.problems).toEqual([
        { seq: cutTo + 1, problem: expect.stringMatching(/rows were cut from the end/) },
      ]);
    }

    const status = await v.json<StatusReport>(['status'], elsewhere);
    expect(status.problems).toContainEqual(
      expect.objectContaining({ code: 'AUDIT_HISTORY_BROKEN', params: expect.objectContaining({ seq: cutTo + 1 }) }),
    );

    await v.json(['tick'], elsewhere);
    const notices = withRawDb(v, (db) =>
      db
        .prepare(
          `SELECT channel FROM outbox WHERE kind = 'notice' AND idempotency_key LIKE 'notice:audit-break:%' ORDER BY channel`,
        )
        .pluck()
        .all(),
    );
    expect(notices).toEqual(['desktop', 'email']);
    // A second pass queues nothing new.
    await v.json(['tick'], elsewhere);
    const again = withRawDb(v, (db) =>
      db.prepare(`SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'notice:audit-break:%'`).pluck().get(),
    );
    expect(again).toBe(2);
  },
);
