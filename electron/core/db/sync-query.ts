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

/** Stands for a named value in a query compiled once (see SyncQuery.prepared). */
class Slot {
  constructor(readonly name: string) {}
}

/** A query compiled once and run with new values on every call. */
export interface PreparedQuery<P, T> {
  all(values: P): T[];
  get(values: P): T | undefined;
  run(values: P): Database.RunResult;
}

/**
 * Runs kysely-built queries synchronously on better-sqlite3, with a statement cache. kysely gives
 * the types and the SQL; executing synchronously lets a state change and the outbox rows it causes
 * share one real transaction without async interleaving.
 */
export class SyncQuery {
  private readonly statements = new Map<string, Database.Statement>();
  /** better-sqlite3 builds a transaction function per call of sqlite.transaction(): build one, once. */
  private readonly runInTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(readonly sqlite: Database.Database) {
    this.runInTransaction = sqlite.transaction((fn: () => unknown) => fn());
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private prepare(compiled: CompiledQuery): { stmt: Database.Statement; params: Param[] } {
    return { stmt: this.statement(compiled.sql), params: compiled.parameters.map(bindable) };
  }

  /**
   * For hot paths: builds and compiles the query once, then only binds values. Building and
   * compiling a kysely query costs more than running a small prepared statement, and a drain runs
   * the same few queries thousands of times. `build` receives stand-ins for the values: use them
   * only as values (no arithmetic, no branching on them), so that every call has the same SQL.
   */
  prepared<P extends object, T>(build: (values: P) => Compilable<T>): PreparedQuery<P, T> {
    const used = new Set<string>();
    const slots = new Proxy({} as P, {
      get: (_target, name) => {
        if (typeof name !== 'string') return undefined;
        used.add(name);
        return new Slot(name);
      },
    });
    const compiled = build(slots).compile();
    const stmt = this.statement(compiled.sql);
    const binders = compiled.parameters.map((value): ((values: P) => Param) => {
      if (value instanceof Slot) return (values) => bindable((values as Record<string, unknown>)[value.name]);
      const constant = bindable(value);
      return () => constant;
    });
    const bound = new Set(compiled.parameters.flatMap((value) => (value instanceof Slot ? [value.name] : [])));
    const lost = [...used].filter((name) => !bound.has(name));
    if (lost.length > 0)
      throw new Error(`prepared query: ${lost.join(', ')} not bound as parameters in ${compiled.sql}`);
    const params = (values: P): Param[] => binders.map((bind) => bind(values));
    return {
      all: (values) => stmt.all(...params(values)) as T[],
      get: (values) => stmt.get(...params(values)) as T | undefined,
      run: (values) => stmt.run(...params(values)),
    };
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
    return this.runInTransaction.immediate(fn) as T;
  }
}
