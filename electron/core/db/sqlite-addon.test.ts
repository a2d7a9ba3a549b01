import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteConnection } from './sqlite-addon.js';

const ELECTRON = fileURLToPath(new URL('../../', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Product sources: what the build ships (and the CLI bundles), tests and their helpers aside. */
function productSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : productSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('SQLite connections', () => {
  it('opens a file and a serialized database, each with the addon given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afterword-sqlite-'));
    dirs.push(dir);
    const file = sqliteConnection(join(dir, 'a.db'));
    file.exec('CREATE TABLE t (x); INSERT INTO t VALUES (42)');
    const bytes = file.serialize();
    file.close();
    const copy = sqliteConnection(bytes);
    expect(copy.prepare('SELECT x FROM t').pluck().get()).toBe(42);
    copy.close();
  });

  it('are all opened through sqliteConnection: the bundled CLI finds the addon only when given it', () => {
    const direct = productSources(ELECTRON)
      .filter((path) => !path.endsWith(join('db', 'sqlite-addon.ts')))
      .filter((path) => /\bnew Database\s*\(/.test(readFileSync(path, 'utf8')))
      .map((path) => relative(ELECTRON, path));
    expect(direct).toEqual([]);
  });
});
