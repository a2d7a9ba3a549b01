import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../ports/clock.js';
import type { AuditLogTable, VaultDatabase } from '../db/schema.js';
import type { PreparedQuery, SyncQuery } from '../db/sync-query.js';

/** Events that may be appended while the vault is locked (no key, so they cannot move the seal). */
export const UNKEYED_ACTIONS = new Set(['vault.unlock_failed', 'vault.unlock_refused']);

/**
 * Written, sealed, when a keyed append finds that the chain's end no longer matches the seal
 * (rows cut from the end, the sealed row rewritten, the seal forged or removed). It stays in the
 * log, so `verify` keeps reporting the break after the seal has moved past it.
 */
export const HISTORY_BROKEN_ACTION = 'audit.history_broken';

/** What a keyed append found wrong with the chain's end. Stable: stored in the break's detail. */
export type ChainEndProblem =
  'rows-cut' | 'sealed-row-changed' | 'seal-forged' | 'seal-missing' | 'appended-without-key' | 'log-wiped';

const CHAIN_END_WORDS: Record<ChainEndProblem, string> = {
  'rows-cut': 'rows were cut from the end',
  'sealed-row-changed': 'the sealed row was changed',
  'seal-forged': 'the seal was rewritten without the vault key',
  'seal-missing': 'the seal was removed',
  'appended-without-key': 'rows were appended without the vault key',
  'log-wiped': 'the whole log and its seal were removed',
};

/** The first keyed row of every vault, appended when it is created. */
const CREATED_ACTION = 'vault.created';

interface ChainEnd {
  seq: number;
  hash: Uint8Array;
}

interface Seal extends ChainEnd {
  mac: Uint8Array;
}

export interface AuditEntry {
  action: string;
  entityType?: string;
  entityId?: string;
  /** Non-secret facts only: ids, field names, counts. Never plaintext, never addresses. */
  detail?: Record<string, unknown>;
}

export interface AuditProblem {
  seq: number | null;
  problem: string;
}

const GENESIS = new Uint8Array(32);

function rowHash(prev: Uint8Array, row: Omit<AuditLogTable, 'prev_hash' | 'hash'>): Uint8Array {
  const canonical = JSON.stringify([row.seq, row.at, row.action, row.entity_type, row.entity_id, row.detail]);
  return new Uint8Array(createHash('sha256').update(prev).update(canonical).digest());
}

function sealMac(auditKey: Uint8Array, seq: number, hash: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHmac('sha256', auditKey).update(`afterword/audit-seal/v1\0${seq}\0`).update(hash).digest(),
  );
}

const same = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function brokenEntry(problem: ChainEndProblem, last: ChainEnd | undefined, seal: Seal | undefined): AuditEntry {
  return {
    action: HISTORY_BROKEN_ACTION,
    detail: { problem, newestSeq: last?.seq ?? 0, sealedSeq: seal?.seq ?? null },
  };
}

interface BreakDetail {
  problem: string;
  newestSeq: number;
  sealedSeq: number | null;
}

/** An audit row's detail as an object, or null when it is not one (rows can be forged without the key). */
export function detailObject(detail: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(detail);
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/**
 * A break row's detail, or null when it is not what an append writes. Anyone who can write the
 * vault file can append a row with a valid plain hash, so the detail may be anything.
 */
function parseBreak(detail: string): BreakDetail | null {
  const value = detailObject(detail);
  if (!value) return null;
  const { problem, newestSeq, sealedSeq } = value;
  if (typeof problem !== 'string' || !Number.isSafeInteger(newestSeq)) return null;
  if (sealedSeq !== null && !Number.isSafeInteger(sealedSeq)) return null;
  return { problem, newestSeq: newestSeq as number, sealedSeq: sealedSeq as number | null };
}

/** The sentence `verify` reports at a recorded break; never throws, whatever the detail holds. */
export function describeBreak(detail: string): string {
  const parsed = parseBreak(detail);
  if (!parsed) return 'history was broken before this row (the record of the break is unreadable)';
  const { problem, newestSeq, sealedSeq } = parsed;
  const words = Object.hasOwn(CHAIN_END_WORDS, problem)
    ? CHAIN_END_WORDS[problem as ChainEndProblem]
    : 'the log did not match its seal';
  const newest = newestSeq === 0 ? 'the log was empty' : `row ${newestSeq} was the newest`;
  const where = sealedSeq === null ? newest : `the seal covered row ${sealedSeq}, ${newest}`;
  return `history was broken before this row: ${words} (${where})`;
}

/**
 * Append-only, hash-chained log. Each row carries the hash of the previous one, so an edited,
 * deleted or reordered row breaks the chain. Anyone can recompute a plain hash chain, so every
 * keyed append also moves a seal: an HMAC (key derived from the vault key) over the newest
 * (seq, hash). Rewriting history then needs the vault key; cutting rows off the end is caught
 * because the sealed row disappears. Only failed-unlock rows may follow the seal.
 *
 * A keyed append first checks the chain's end against the seal. Were it to seal from whatever
 * row is last, cutting the newest rows would be healed by the next append (and every unlock
 * appends). When they disagree it records the break as a sealed row of its own
 * (HISTORY_BROKEN_ACTION) before the entries, and `verify` reports that row for good.
 */
export class AuditLog {
  constructor(
    private readonly db: Kysely<VaultDatabase>,
    private readonly q: SyncQuery,
    private readonly clock: Clock,
    private auditKey: Uint8Array | null,
  ) {}

  setKey(auditKey: Uint8Array | null): void {
    this.auditKey = auditKey;
  }

  /** Whether the key set opens the seal: it is this vault's (every vault is sealed from its creation on). */
  keyOpensSeal(): boolean {
    const seal = this.q.get(this.db.selectFrom('audit_seal').selectAll().where('id', '=', 1));
    return Boolean(this.auditKey && seal && same(sealMac(this.auditKey, seal.seq, seal.hash), seal.mac));
  }

  /** Appends one entry. Call inside the transaction of the change it records. */
  append(entry: AuditEntry): number {
    return this.appendMany([entry])[0]!;
  }

  /**
   * Appends entries in order, exactly as that many append() calls would, but reads the chain's
   * end once, links the rows in memory and moves the seal once, to the last row: the seal only
   * ever covers the newest row, so the rows in between need no seal of their own. Call inside the
   * transaction of the change it records (the outbox worker records a group of sends this way).
   */
  appendMany(entries: readonly AuditEntry[]): number[] {
    for (const entry of entries) {
      if (!this.auditKey && !UNKEYED_ACTIONS.has(entry.action)) {
        throw new Error(`audit action ${entry.action} needs the unlocked vault`);
      }
    }
    if (entries.length === 0) return [];
    const s = this.statements();
    const last = s.last.get({});
    let seq = last?.seq ?? 0;
    let prev: Uint8Array = last?.hash ?? GENESIS;
    const seqs: number[] = [];
    const broken = this.auditKey ? this.checkChainEnd(last, entries[0]!) : null;
    const toAppend = broken ? [brokenEntry(broken, last, s.seal.get({})), ...entries] : entries;
    for (const entry of toAppend) {
      const row = {
        seq: seq + 1,
        at: this.clock.now(),
        action: entry.action,
        entity_type: entry.entityType ?? null,
        entity_id: entry.entityId ?? null,
        detail: JSON.stringify(entry.detail ?? {}),
      };
      const hash = rowHash(prev, row);
      s.insert.run({ ...row, prev_hash: prev, hash });
      seq = row.seq;
      prev = hash;
      seqs.push(seq);
    }
    if (this.auditKey) s.upsertSeal.run({ seq, hash: prev, mac: sealMac(this.auditKey, seq, prev) });
    return broken ? seqs.slice(1) : seqs;
  }

  /**
   * Whether the chain's end still is what the last keyed append sealed. Cheap in the usual case
   * (the newest row is the sealed one); otherwise it reads the sealed row and what follows it.
   * Without a seal and without keyed rows, only the vault's creation may be appended: any other
   * keyed entry means the whole log was removed (failed unlocks may have been appended since).
   */
  private checkChainEnd(last: ChainEnd | undefined, first: AuditEntry): ChainEndProblem | null {
    const s = this.statements();
    const seal = s.seal.get({});
    if (!seal) {
      if (last && s.anyKeyed.get({})) return 'seal-missing';
      return first.action === CREATED_ACTION ? null : 'log-wiped';
    }
    if (!same(sealMac(this.auditKey!, seal.seq, seal.hash), seal.mac)) return 'seal-forged';
    if (last && last.seq === seal.seq) return same(last.hash, seal.hash) ? null : 'sealed-row-changed';
    const sealed = s.rowAt.get({ seq: seal.seq });
    if (!sealed) return 'rows-cut';
    if (!same(sealed.hash, seal.hash)) return 'sealed-row-changed';
    const after = s.actionsAfter.all({ seq: seal.seq });
    return after.every((r) => UNKEYED_ACTIONS.has(r.action)) ? null : 'appended-without-key';
  }

  /** Compiled on first use: appends run for every change, and the tables exist only after migration. */
  private prepared?: {
    last: PreparedQuery<Record<string, never>, ChainEnd>;
    insert: PreparedQuery<AuditLogTable, unknown>;
    seal: PreparedQuery<Record<string, never>, Seal>;
    upsertSeal: PreparedQuery<Seal, unknown>;
    rowAt: PreparedQuery<{ seq: number }, ChainEnd>;
    actionsAfter: PreparedQuery<{ seq: number }, { action: string }>;
    anyKeyed: PreparedQuery<Record<string, never>, { seq: number }>;
  };

  private statements(): NonNullable<AuditLog['prepared']> {
    return (this.prepared ??= {
      last: this.q.prepared(() =>
        this.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1),
      ),
      insert: this.q.prepared((r: AuditLogTable) =>
        this.db.insertInto('audit_log').values({
          seq: r.seq,
          at: r.at,
          action: r.action,
          entity_type: r.entity_type,
          entity_id: r.entity_id,
          detail: r.detail,
          prev_hash: r.prev_hash,
          hash: r.hash,
        }),
      ),
      seal: this.q.prepared(() => this.db.selectFrom('audit_seal').select(['seq', 'hash', 'mac']).where('id', '=', 1)),
      rowAt: this.q.prepared((p: { seq: number }) =>
        this.db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', '=', p.seq),
      ),
      actionsAfter: this.q.prepared((p: { seq: number }) =>
        this.db.selectFrom('audit_log').select('action').where('seq', '>', p.seq).orderBy('seq', 'asc'),
      ),
      anyKeyed: this.q.prepared(() =>
        this.db
          .selectFrom('audit_log')
          .select('seq')
          .where('action', 'not in', [...UNKEYED_ACTIONS])
          .limit(1),
      ),
      upsertSeal: this.q.prepared((p: Seal) =>
        this.db
          .insertInto('audit_seal')
          .values({ id: 1, seq: p.seq, hash: p.hash, mac: p.mac })
          .onConflict((oc) => oc.column('id').doUpdateSet({ seq: p.seq, hash: p.hash, mac: p.mac })),
      ),
    });
  }

  page(options: { beforeSeq?: number; limit: number }): AuditLogTable[] {
    let query = this.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(options.limit);
    if (options.beforeSeq !== undefined) query = query.where('seq', '<', options.beforeSeq);
    return this.q.all(query);
  }

  /**
   * Whether the seal's MAC verifies under `auditKey`: a key that does so is this vault's (the MAC
   * cannot be made without it). For a vault key that came from somewhere other than a key wrap.
   */
  sealVerifiesWith(auditKey: Uint8Array): boolean {
    const seal = this.statements().seal.get({});
    return seal !== undefined && same(sealMac(auditKey, seal.seq, seal.hash), seal.mac);
  }

  /** Walks the whole chain. An empty list means intact. Needs the key to check the seal. */
  verify(): AuditProblem[] {
    // One read transaction: another process (the runner, a cron tick) may append a row and move
    // the seal meanwhile, and rows read before that with the seal read after would look cut.
    return this.q.transaction(() => this.verifySnapshot());
  }

  private verifySnapshot(): AuditProblem[] {
    const problems: AuditProblem[] = [];
    const rows = this.q.all(this.db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc'));
    let prev: Uint8Array = GENESIS;
    let expectedSeq = 1;
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        problems.push({ seq: row.seq, problem: `expected row ${expectedSeq} here: rows were deleted or reordered` });
      }
      if (!same(row.prev_hash, prev)) {
        problems.push({ seq: row.seq, problem: 'does not link to the row before it' });
      }
      const { prev_hash: _p, hash: _h, ...content } = row;
      if (!same(rowHash(row.prev_hash, content), row.hash)) {
        problems.push({ seq: row.seq, problem: 'content does not match its hash: the row was edited' });
      } else if (row.action === HISTORY_BROKEN_ACTION) {
        problems.push({ seq: row.seq, problem: describeBreak(row.detail) });
      }
      prev = row.hash;
      expectedSeq = row.seq + 1;
    }
    problems.push(...this.verifySeal(rows));
    return problems;
  }

  private verifySeal(rows: AuditLogTable[]): AuditProblem[] {
    const seal = this.q.get(this.db.selectFrom('audit_seal').selectAll().where('id', '=', 1));
    if (!seal) {
      // Every vault has a sealed row from its creation on, so no keyed row at all is a wipe.
      return rows.some((r) => !UNKEYED_ACTIONS.has(r.action))
        ? [{ seq: null, problem: 'the seal is missing' }]
        : [{ seq: null, problem: 'the history was wiped: the whole log and its seal were removed' }];
    }
    if (!this.auditKey) return [{ seq: null, problem: 'the seal cannot be checked while the vault is locked' }];
    if (!same(sealMac(this.auditKey, seal.seq, seal.hash), seal.mac)) {
      return [{ seq: seal.seq, problem: 'the seal does not verify: the log was rewritten without the vault key' }];
    }
    const sealed = rows.find((r) => r.seq === seal.seq);
    if (!sealed) return [{ seq: seal.seq, problem: 'the sealed row is gone: rows were cut from the end' }];
    if (!same(sealed.hash, seal.hash)) {
      return [{ seq: seal.seq, problem: 'the sealed row was changed' }];
    }
    return rows
      .filter((r) => r.seq > seal.seq && !UNKEYED_ACTIONS.has(r.action))
      .map((r) => ({ seq: r.seq, problem: `"${r.action}" was appended without the vault key` }));
  }
}
