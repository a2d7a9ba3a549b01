import { createRequire } from 'node:module';

let addonPath: string | null | undefined;

/**
 * Where better-sqlite3's compiled addon is, found once. Given to each connection, it spares the
 * driver its default search (the `bindings` package walks a stack trace and stats a dozen paths),
 * a visible part of a short command's start. null: not at the usual place, the driver searches.
 */
export function nativeBinding(): string | undefined {
  if (addonPath === undefined) {
    try {
      addonPath = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
    } catch {
      addonPath = null;
    }
  }
  return addonPath ?? undefined;
}
