import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

let addon: string | object | undefined;

/**
 * better-sqlite3's compiled addon, found once: its path at the usual place, else the addon as the
 * driver's own search (`bindings`) finds it from the driver's package folder. Given to every
 * connection, because the CLI bundles the driver's JavaScript: its default search would start from
 * the bundle's folder and fail, and it walks a stack trace and stats a dozen paths each start.
 */
export function nativeBinding(): string | object {
  if (addon === undefined) {
    const require = createRequire(import.meta.url);
    try {
      addon = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
    } catch {
      const moduleRoot = dirname(require.resolve('better-sqlite3/package.json'));
      const bindings = require('bindings') as (options: { bindings: string; module_root: string }) => object;
      addon = bindings({ bindings: 'better_sqlite3.node', module_root: moduleRoot });
    }
  }
  return addon;
}

/**
 * A SQLite connection (a file, or a serialized database given as bytes). Every connection in the
 * product is opened here, so that each is given the addon (see above).
 */
export function sqliteConnection(source: string | Buffer, options: Database.Options = {}): Database.Database {
  // The driver also takes the loaded addon object (lib/database.js); its types name the path only.
  return new Database(source, { ...options, nativeBinding: nativeBinding() as string });
}
