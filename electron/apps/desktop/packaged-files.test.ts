// The packaged file set (build/electron-builder.yml `files`) against what the built desktop app can
// load: every module reachable from dist/electron/apps/desktop/main.js is packaged, and no build tool,
// bench, CLI or runner is. The build itself holds no tests or test helpers, so nothing is there to leave out. Needs the TypeScript build (npm run build, or tsc -b).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertBuilt } from './test-support/fake-electron/lifecycle-harness.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CONFIG = join(ROOT, 'build', 'electron-builder.yml');

/** The `files:` list of the builder config (a flat YAML list of strings). */
function filePatterns(): string[] {
  const lines = readFileSync(CONFIG, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === 'files:');
  const patterns: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^\s+-\s+(.+)$/.exec(line);
    if (!item) break;
    patterns.push(item[1]!.trim().replace(/^(["'])(.*)\1$/, '$2'));
  }
  return patterns;
}

/** A glob of the kinds the list uses (`**` any depth, `*` within one folder) as a RegExp. */
function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split(/(\*\*\/|\*\*|\*)/)
    .map((part) =>
      part === '**/'
        ? '(?:.*/)?'
        : part === '**'
          ? '.*'
          : part === '*'
            ? '[^/]*'
            : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`);
}

/** As electron-builder reads the list: in when a pattern matches, out when a `!` pattern does. */
function packaged(patterns: string[]): (path: string) => boolean {
  const include = patterns.filter((p) => !p.startsWith('!')).map(globToRegExp);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
  return (path) => include.some((re) => re.test(path)) && !exclude.some((re) => re.test(path));
}

/** Every file the entry can load: static and dynamic imports, and `new URL('./x', import.meta.url)` workers. */
function importClosure(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = entries.map((e) => resolve(ROOT, e));
  const reference =
    /(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|new URL\(\s*['"](\.[^'"]+)['"]\s*,\s*import\.meta\.url/g;
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(reference)) {
      const target = resolve(dirname(file), match[1] ?? match[2] ?? match[3]!);
      const found = [target, `${target}.js`].find((candidate) => existsSync(candidate) && !candidate.endsWith(sep));
      if (found && /\.c?js$/.test(found)) stack.push(found);
    }
  }
  return new Set([...seen].map((f) => relative(ROOT, f).split(sep).join('/')));
}

describe('the packaged file set', () => {
  assertBuilt();
  const isPackaged = packaged(filePatterns());
  const closure = importClosure(['dist/electron/apps/desktop/main.js', 'dist/electron/apps/desktop/preload.cjs']);

  it('holds every module the desktop app can load, the mail and scrypt threads included', () => {
    expect(closure.has('dist/electron/apps/desktop/desktop-startup.js')).toBe(true);
    expect(closure.has('dist/electron/core/delivery/mail-thread/mail-thread-entry.js')).toBe(true);
    expect(closure.has('dist/electron/core/export/scrypt-thread-entry.js')).toBe(true);
    expect([...closure].filter((file) => !isPackaged(file))).toEqual([]);
    expect(isPackaged('package.json')).toBe(true);
    expect(isPackaged('dist/renderer/index.html')).toBe(true);
  });

  const built = readdirSync(join(ROOT, 'dist'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split(sep).join('/'));

  it('is built from product code only: dist/ holds no test and no test helper', () => {
    expect(built).toContain('dist/electron/apps/cli/main.js'); // a build is there: the check below means something
    const testCode = built.filter((f) => /(^|\/)test-support\//.test(f) || /\.test\.(js|d\.ts|js\.map)$/.test(f));
    expect(testCode, 'test code in dist/ (left over from an older build? remove dist/ and run npm run build)').toEqual(
      [],
    );
  });

  it('leaves out build tooling, the bench, the CLI, the runner, source maps and declarations', () => {
    const unwanted = built.filter(
      (f) => /(^|\/)(tooling|bench|cli|runner)\//.test(f) || /\.(map|d\.ts|d\.cts)$/.test(f),
    );
    expect(unwanted.length).toBeGreaterThan(0); // the build has them: the check below means something
    expect(unwanted.filter(isPackaged)).toEqual([]);
  });
});
