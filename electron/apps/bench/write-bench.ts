/**
 * (1) Message writes through MessagesRepo against raw better-sqlite3 inserts of the same plaintext,
 * and (4) listing the first page of the resulting vault after a fresh open + unlock.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { sqliteConnection } from '../../core/db/sqlite-addon.js';
import { newId } from '../../core/ids.js';
import { createVaultServices } from '../../core/services.js';
import type { MessagesRepo } from '../../core/repo/messages.js';
import type { ScryptParams } from '../../core/crypto/kdf.js';
import { Vault } from '../../core/vault/vault.js';
import { systemClock } from '../../node/system-clock.js';
import { median, nowMs, timeSync } from './stats.js';

export const BENCH_PASSWORD = 'afterword benchmark password';
/** Setup-speed KDF for the write vaults; the default-KDF unlock is measured on its own. */
export const SETUP_SCRYPT: ScryptParams = Object.freeze({ logN: 15, r: 8, p: 1 });

/** How many rows each side writes before the other side gets its turn (see writeBench). */
const INTERLEAVE_BLOCK = 100;

export interface WriteSizes {
  messages: number;
  bodyBytes: number;
}

export interface WriteResult {
  perTxn: { repoMs: number; rawMs: number };
  batched: { repoMs: number; rawMs: number };
  /** Directory of the vault that holds the per-transaction messages (reused by the list bench). */
  vaultDir: string;
  checks: {
    perTxnRows: number;
    batchedRows: number;
    rawPerTxnRows: number;
    rawBatchedRows: number;
    auditProblemsPerTxn: number;
    auditProblemsBatched: number;
    /** The batched repo writes ran as savepoints inside one outer BEGIN IMMEDIATE. */
    nestedTransactionsOk: boolean;
  };
}

/** A 2 KiB-ish body of plain ASCII prose (exactly `bytes` UTF-8 bytes). */
export function makeBody(bytes: number): string {
  const sentence =
    'If you are reading this, the switch went off and I could not say this in person. Thank you for everything. ';
  return sentence.repeat(Math.ceil(bytes / sentence.length)).slice(0, bytes);
}

const title = (i: number): string => `Benchmark message ${i}`;

/** Same pragmas as core/db/open-database.ts (the ones that matter for writes: WAL + FULL). */
function openRaw(file: string): Database.Database {
  const db = sqliteConnection(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('secure_delete = ON');
  db.pragma('trusted_schema = OFF');
  db.exec(`CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body_text TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`);
  return db;
}

interface RawWriter {
  db: Database.Database;
  /** One row, in its own BEGIN IMMEDIATE transaction (as SyncQuery.transaction does). */
  insertOwnTxn(i: number): void;
  insertMany(from: number, to: number): void;
  count(): number;
}

function rawWriter(file: string, body: string): RawWriter {
  const db = openRaw(file);
  const stmt = db.prepare(
    'INSERT INTO messages (id, title, body_text, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insert = (i: number): void => {
    const now = Date.now();
    stmt.run(newId('msg'), title(i), body, 'active', now, now);
  };
  const one = db.transaction(insert);
  const many = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert(i);
  });
  return {
    db,
    insertOwnTxn: (i) => one.immediate(i),
    insertMany: (from, to) => many.immediate(from, to),
    count: () => db.prepare('SELECT count(*) FROM messages').pluck().get() as number,
  };
}

function countMessages(vault: Vault): number {
  return vault.db.sqlite.prepare('SELECT count(*) FROM messages').pluck().get() as number;
}

async function createVault(dir: string): Promise<{ vault: Vault; messages: MessagesRepo }> {
  const { vault } = await Vault.create(dir, BENCH_PASSWORD, { clock: systemClock, scrypt: SETUP_SCRYPT });
  return { vault, messages: createVaultServices(vault, systemClock).messages };
}

export async function writeBench(
  tmp: string,
  sizes: WriteSizes,
  progress: (line: string) => void,
): Promise<WriteResult> {
  const body = makeBody(sizes.bodyBytes);
  const n = sizes.messages;

  // --- one transaction per row, repo and raw interleaved in blocks so that both sides see the
  // same disk conditions (fsync latency drifts over a run of tens of seconds).
  const vaultDir = join(tmp, 'vault-per-txn');
  const perTxn = await createVault(vaultDir);
  const rawPerTxn = rawWriter(join(tmp, 'raw-per-txn.db'), body);
  const batchedVault = await createVault(join(tmp, 'vault-batched'));
  const rawBatched = rawWriter(join(tmp, 'raw-batched.db'), body);
  try {
    // Warm-up outside the timing: compiles the statements and JITs both paths. The rows are
    // removed again so each side ends with exactly `n` rows.
    for (let i = 0; i < 20; i++) {
      perTxn.messages.create({ title: title(-1), body, recipientIds: [] });
      rawPerTxn.insertOwnTxn(-1);
    }
    const warmIds = perTxn.messages.list({ limit: 500 }).items.map((m) => m.id);
    for (const id of warmIds) perTxn.messages.remove(id);
    rawPerTxn.db.exec('DELETE FROM messages');

    let repoMs = 0;
    let rawMs = 0;
    let reported = nowMs();
    for (let from = 0, block = 0; from < n; from += INTERLEAVE_BLOCK, block++) {
      const to = Math.min(n, from + INTERLEAVE_BLOCK);
      const repoBlock = (): void => {
        for (let i = from; i < to; i++) perTxn.messages.create({ title: title(i), body, recipientIds: [] });
      };
      const rawBlock = (): void => {
        for (let i = from; i < to; i++) rawPerTxn.insertOwnTxn(i);
      };
      // Alternate which side goes first, so neither always inherits the other's checkpoint.
      if (block % 2 === 0) {
        rawMs += timeSync(rawBlock);
        repoMs += timeSync(repoBlock);
      } else {
        repoMs += timeSync(repoBlock);
        rawMs += timeSync(rawBlock);
      }
      if (nowMs() - reported > 5000 || to === n) {
        progress(`  writes, one transaction each: ${to}/${n} on each side`);
        reported = nowMs();
      }
    }

    // --- batched: everything in one transaction on each side. The repo opens its own
    // transaction per create; inside the outer one better-sqlite3 turns those into savepoints.
    progress(`  writes, batched in one transaction: ${n} on each side`);
    // If an inner create had issued a real COMMIT, the outer transaction would be gone by the end.
    let outerStillOpen = false;
    const batchedRawMs = timeSync(() => rawBatched.insertMany(0, n));
    const batchedRepoMs = timeSync(() => {
      batchedVault.vault.db.q.transaction(() => {
        for (let i = 0; i < n; i++) {
          batchedVault.messages.create({ title: title(i), body, recipientIds: [] });
        }
        outerStillOpen = batchedVault.vault.db.sqlite.inTransaction;
      });
    });

    const checks = {
      perTxnRows: countMessages(perTxn.vault),
      batchedRows: countMessages(batchedVault.vault),
      rawPerTxnRows: rawPerTxn.count(),
      rawBatchedRows: rawBatched.count(),
      auditProblemsPerTxn: perTxn.vault.audit.verify().length,
      auditProblemsBatched: batchedVault.vault.audit.verify().length,
      nestedTransactionsOk: false,
    };
    checks.nestedTransactionsOk =
      outerStillOpen &&
      checks.batchedRows === n &&
      checks.auditProblemsBatched === 0 &&
      !batchedVault.vault.db.sqlite.inTransaction;
    const expected = [checks.perTxnRows, checks.batchedRows, checks.rawPerTxnRows, checks.rawBatchedRows];
    if (expected.some((rows) => rows !== n)) {
      throw new Error(`write benchmark wrote the wrong number of rows: ${expected.join(', ')} (expected ${n} each)`);
    }
    return {
      perTxn: { repoMs, rawMs },
      batched: { repoMs: batchedRepoMs, rawMs: batchedRawMs },
      vaultDir,
      checks,
    };
  } finally {
    rawPerTxn.db.close();
    rawBatched.db.close();
    await perTxn.vault.close();
    await batchedVault.vault.close();
  }
}

export interface ListResult {
  /** The very first list after unlock (statement preparation included). */
  firstMs: number;
  medianMs: number;
  total: number;
  items: number;
}

/** Opens + unlocks the vault written by writeBench, then times MessagesRepo.list({ limit: 50 }). */
export async function listBench(vaultDir: string, runs: number): Promise<ListResult> {
  const vault = await Vault.open(vaultDir, { clock: systemClock, scrypt: SETUP_SCRYPT });
  try {
    await vault.unlock(BENCH_PASSWORD);
    const { messages } = createVaultServices(vault, systemClock);
    let page: ReturnType<MessagesRepo['list']> | undefined;
    const firstMs = timeSync(() => {
      page = messages.list({ limit: 50 });
    });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(
        timeSync(() => {
          page = messages.list({ limit: 50 });
        }),
      );
    }
    return { firstMs, medianMs: median(times), total: page!.total, items: page!.items.length };
  } finally {
    await vault.close();
  }
}
