import type Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteAdapter, SqliteDialect, sql, type DialectAdapter } from 'kysely';
import type { VaultDatabase } from './schema.js';
import { sqliteConnection } from './sqlite-addon.js';
import { SyncQuery } from './sync-query.js';
import { loadIntoMemory } from './in-memory-copy.js';
import { VaultTooNewError } from './db-errors.js';
import { isStorageUnavailable } from '../storage-errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, staticMigrationProvider } from './migrations/registry.js';
import type { Migration } from 'kysely';

export interface VaultDb {
  readonly sqlite: Database.Database;
  readonly kysely: Kysely<VaultDatabase>;
  readonly q: SyncQuery;
  close(): Promise<void>;
}

/**
 * Pragmas for a dead man's switch, where a warning or a delivery written to the outbox must
 * survive a power cut:
 * - WAL: readers (UI) never block the scheduler's writer, and a crash mid-write cannot corrupt.
 * - synchronous=FULL: in WAL mode NORMAL may lose the last commits on power loss; FULL fsyncs the
 *   WAL on every commit, so an outbox row that was reported written is on disk.
 * - foreign_keys=ON: links between messages, recipients and plans stay consistent.
 * - busy_timeout: the CLI, the runner and the desktop app may open the same vault at once.
 * - secure_delete=ON: deleted ciphertext is overwritten instead of lingering in free pages.
 * - trusted_schema=OFF: a tampered schema cannot make us run SQL functions from views/triggers
 *   with side effects.
 * All but journal_mode only configure this connection; journal_mode = WAL rewrites the file header,
 * so it is set after the version check (see openDatabase): a refused vault stays byte-for-byte as is.
 */
function applyPragmas(sqlite: Database.Database): void {
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('trusted_schema = OFF');
}

/** Opens the SQLite file (created when missing) with the driver's addon found as above. */
function connect(file: string): Database.Database {
  return sqliteConnection(file);
}

/** SQLite does support transactional DDL; telling kysely so makes each migration one transaction. */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class VaultSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

/** Wraps a migration so that the schema version moves inside the same transaction. */
function withUserVersion(version: number, migration: Migration): Migration {
  return {
    async up(db) {
      await migration.up(db);
      await sql.raw(`PRAGMA user_version = ${version}`).execute(db);
    },
  };
}

function versionedMigrations(registry: Readonly<Record<string, Migration>>): Record<string, Migration> {
  const out: Record<string, Migration> = {};
  Object.keys(registry)
    .sort()
    .forEach((name, index) => {
      out[name] = withUserVersion(index + 1, registry[name]!);
    });
  return out;
}

export interface OpenDatabaseOptions {
  /** For migration tests: run only these migrations. */
  migrations?: Readonly<Record<string, Migration>>;
  /**
   * On a full disk, open for reading with the file to itself (see openWithoutSpace). Only for a
   * short-lived command: a long-running process would keep every other one out of the vault.
   */
  readWhenFull?: boolean;
}

/**
 * A read-only view of the database at `file`, in memory (see loadIntoMemory): migrated there when
 * it is older, then every write refused (query_only). The file is never written or locked.
 */
export async function openDatabaseCopy(file: string): Promise<VaultDb> {
  const sqlite = await loadIntoMemory(file);
  try {
    applyPragmas(sqlite);
    const applied = refuseNewerVault(sqlite, MIGRATIONS, Object.keys(MIGRATIONS).length);
    const db = wrap(sqlite);
    await migrate(db, MIGRATIONS, applied);
    sqlite.pragma('query_only = ON');
    return db;
  } catch (error) {
    if (sqlite.open) sqlite.close();
    throw error;
  }
}

export async function openDatabase(file: string, options: OpenDatabaseOptions = {}): Promise<VaultDb> {
  const registry = options.migrations ?? MIGRATIONS;
  const supported = Object.keys(registry).length;
  const sqlite = connect(file);
  try {
    applyPragmas(sqlite);
    const applied = refuseNewerVault(sqlite, registry, supported);
    sqlite.pragma('journal_mode = WAL');
    const db = wrap(sqlite);
    await migrate(db, registry, applied);
    return db;
  } catch (error) {
    if (sqlite.open) sqlite.close();
    if (options.readWhenFull && isStorageUnavailable(error)) return openWithoutSpace(file, registry, supported, error);
    throw error;
  }
}

function wrap(sqlite: Database.Database): VaultDb {
  const kysely = new Kysely<VaultDatabase>({ dialect: new VaultSqliteDialect({ database: sqlite }) });
  return {
    sqlite,
    kysely,
    q: new SyncQuery(sqlite),
    close: async () => {
      await kysely.destroy();
      // kysely closes the connection only if it ever ran a query through it; most reads go
      // through `q`, so without this the file could stay open with its WAL not checkpointed.
      if (sqlite.open) sqlite.close();
    },
  };
}

/**
 * On a full disk (or read-only files) the shared-memory file WAL needs cannot be made, and the
 * migrator's lock row cannot be written, so a normal open fails although the data is fine. This
 * one takes the file for itself (exclusive locking keeps the WAL index in memory), migrates
 * nothing, and lets reading go on; every write then fails with STORAGE_UNAVAILABLE.
 */
function openWithoutSpace(
  file: string,
  registry: Readonly<Record<string, Migration>>,
  supported: number,
  cause: unknown,
): VaultDb {
  const sqlite = connect(file);
  try {
    sqlite.pragma('locking_mode = EXCLUSIVE');
    applyPragmas(sqlite);
    refuseNewerVault(sqlite, registry, supported);
    if ((sqlite.pragma('user_version', { simple: true }) as number) < supported) throw cause;
    return wrap(sqlite);
  } catch (error) {
    if (sqlite.open) sqlite.close();
    throw error;
  }
}

/**
 * Refuses a vault written by a newer version. Reads only: runs before anything writes to the file.
 * Returns the names of the migrations the vault has applied.
 */
function refuseNewerVault(
  sqlite: Database.Database,
  registry: Readonly<Record<string, Migration>>,
  supported: number,
): readonly string[] {
  const onDisk = sqlite.pragma('user_version', { simple: true }) as number;
  if (onDisk > supported) throw new VaultTooNewError(onDisk, supported);
  return assertNoUnknownMigrations(sqlite, registry, supported);
}

/**
 * Runs the migrations the vault lacks. A vault that lists every one as applied is left alone
 * without starting kysely's migrator, whose table introspection is a good part of a short
 * command's start (each migration commits its row in its own transaction, so the list is exact).
 */
async function migrate(
  db: VaultDb,
  registry: Readonly<Record<string, Migration>>,
  applied: readonly string[],
): Promise<void> {
  const done = new Set(applied);
  if (Object.keys(registry).every((name) => done.has(name))) return;
  const migrator = new Migrator({ db: db.kysely, provider: staticMigrationProvider(versionedMigrations(registry)) });
  for (;;) {
    const { error, results } = await migrator.migrateUp();
    if (error) throw error;
    if (!results || results.length === 0) break;
  }
}

function assertNoUnknownMigrations(
  sqlite: Database.Database,
  registry: Readonly<Record<string, Migration>>,
  supported: number,
): string[] {
  const table = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`)
    .get();
  if (!table) return [];
  const applied = sqlite.prepare('SELECT name FROM kysely_migration').pluck().all() as string[];
  const unknown = applied.filter((name) => !(name in registry));
  if (unknown.length > 0) throw new VaultTooNewError(unknown.sort().at(-1)!, supported);
  return applied;
}

export { LATEST_SCHEMA_VERSION };
