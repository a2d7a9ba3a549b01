import type Database from 'better-sqlite3';
import type { Compilable, CompiledQuery } from 'kysely';

type Param = unknown;

/** better-sqlite3 binds Buffers, not plain Uint8Arrays; this converts without copying. */
function bindable(value: Param): Param {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/**
 * Runs kysely-built queries synchronously on better-sqlite3, with a statement cache. kysely gives
 * the types and the SQL; executing synchronously lets a state change and the outbox rows it causes
 * share one real transaction without async interleaving.
 */
export class SyncQuery {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly sqlite: Database.Database) {}

  private prepare(compiled: CompiledQuery): { stmt: Database.Statement; params: Param[] } {
    let stmt = this.statements.get(compiled.sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(compiled.sql);
      this.statements.set(compiled.sql, stmt);
    }
    return { stmt, params: compiled.parameters.map(bindable) };
  }

  all<T>(query: Compilable<T>): T[] {
    const { stmt, params } = this.prepare(query.compile());
    return stmt.all(...params) as T[];
  }

  get<T>(query: Compilable<T>): T | undefined {
    const { stmt, params } = this.prepare(query.compile());
    return stmt.get(...params) as T | undefined;
  }

  run(query: Compilable<unknown>): Database.RunResult {
    const { stmt, params } = this.prepare(query.compile());
    return stmt.run(...params);
  }

  /** BEGIN IMMEDIATE: takes the write lock up front, so two processes never deadlock upgrading. */
  transaction<T>(fn: () => T): T {
    return this.sqlite.transaction(fn).immediate();
  }
}
