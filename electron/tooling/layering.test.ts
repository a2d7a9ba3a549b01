// Tests of the lint configuration itself: the layering rules in eslint.config.js must reject code
// that crosses a layer, and must leave clean code alone. Each case lints a snippet as if it lived
// at the given path, through ESLint's Node API with the repository's real config.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

let eslint: ESLint;

beforeAll(() => {
  // The snippets are files no tsconfig includes, so the type-aware rules (which need a program)
  // are left out here; the layering rules need no types.
  eslint = new ESLint({
    cwd: repoRoot,
    overrideConfig: {
      files: ['**/*.{ts,tsx,mts,cts}'],
      languageOptions: { parserOptions: { project: null } },
      rules: {
        '@typescript-eslint/no-floating-promises': 'off',
        '@typescript-eslint/no-misused-promises': 'off',
        '@typescript-eslint/switch-exhaustiveness-check': 'off',
      },
    },
  });
});

async function lint(filePath: string, code: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  // A parse error would also be "a problem"; it must not pass for a rule violation.
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result;
}

function ruleIds(result: ESLint.LintResult): string[] {
  return result.messages.map((m) => m.ruleId ?? '(none)');
}

describe('layering: forbidden imports are reported', () => {
  const cases: Array<{ file: string; code: string; rule: string; says: RegExp }> = [
    {
      file: 'shared/x.ts',
      code: "import fs from 'node:fs';\nexport const f = fs;\n",
      rule: 'no-restricted-imports',
      says: /shared\/ must not use Node built-ins/,
    },
    {
      file: 'shared/x.ts',
      code: "import { join } from 'path';\nexport const j = join;\n",
      rule: 'no-restricted-imports',
      says: /Node built-ins/,
    },
    {
      file: 'shared/sub/x.ts',
      code: "export { readFile } from 'fs/promises';\n",
      rule: 'no-restricted-imports',
      says: /Node built-ins/,
    },
    {
      file: 'shared/x.ts',
      code: "import type { App } from 'electron';\nexport type A = App;\n",
      rule: 'no-restricted-imports',
      says: /must not import 'electron'/,
    },
    {
      file: 'shared/x.ts',
      code: "import { createRoot } from 'react-dom/client';\nexport const c = createRoot;\n",
      rule: 'no-restricted-imports',
      says: /react-dom belongs in renderer/,
    },
    {
      file: 'shared/x.ts',
      code: "import { AfterwordError } from '../electron/core/errors.js';\nexport const E = AfterwordError;\n",
      rule: 'no-restricted-imports',
      says: /must not import from electron\/ or renderer\//,
    },
    {
      file: 'shared/x.ts',
      code: "export const load = () => import('node:crypto');\n",
      rule: 'no-restricted-syntax',
      says: /Node built-ins/,
    },
    {
      file: 'electron/core/x.ts',
      code: "import { app } from 'electron';\nexport const a = app;\n",
      rule: 'no-restricted-imports',
      says: /only electron\/apps\/desktop\/\*\* may import 'electron'/,
    },
    {
      file: 'electron/node/x.ts',
      code: "import { safeStorage } from 'electron/main';\nexport const s = safeStorage;\n",
      rule: 'no-restricted-imports',
      says: /plain Node/,
    },
    {
      file: 'electron/apps/cli/x.ts',
      code: "export const load = async () => (await import('electron')).app;\n",
      rule: 'no-restricted-syntax',
      says: /plain Node/,
    },
    {
      file: 'electron/core/x.ts',
      code: "export * from '../apps/desktop/main.js';\n",
      rule: 'no-restricted-imports',
      says: /electron\/core\/ is the innermost layer/,
    },
    {
      file: 'renderer/x.ts',
      code: "import x from '../electron/core/errors.js';\nexport const y = x;\n",
      rule: 'no-restricted-imports',
      says: /renderer\/ must not import from electron\//,
    },
    {
      file: 'renderer/src/x.ts',
      code: "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n",
      rule: 'no-restricted-imports',
      says: /renderer\/ must not import 'electron'/,
    },
    {
      file: 'renderer/src/x.ts',
      code: "import os from 'node:os';\nexport const o = os;\n",
      rule: 'no-restricted-imports',
      says: /Node built-ins/,
    },
  ];

  // One direction per case: a file in `from` importing a module of the `to` folder.
  const directions: Array<{ from: string; spec: string; says: RegExp }> = [
    { from: 'electron/core/api/x.ts', spec: '../../node/system-clock.js', says: /innermost layer/ },
    { from: 'electron/core/x.ts', spec: '../apps/cli/main.js', says: /innermost layer/ },
    { from: 'electron/node/x.ts', spec: '../apps/runner/server.js', says: /must not import from electron\/apps/ },
    {
      from: 'electron/apps/cli/commands/x.ts',
      spec: '../../desktop/main.js',
      says: /start the runner and the benchmark only/,
    },
    { from: 'electron/apps/runner/x.ts', spec: '../cli/main.js', says: /apps do not import each other/ },
    { from: 'electron/apps/runner/x.ts', spec: '../desktop/ipc.js', says: /apps do not import each other/ },
    { from: 'electron/apps/runner/x.ts', spec: '../bench/stats.js', says: /apps do not import each other/ },
    { from: 'electron/apps/desktop/x.ts', spec: '../runner/server.js', says: /apps do not import each other/ },
    { from: 'electron/apps/desktop/x.ts', spec: '../cli/main.js', says: /apps do not import each other/ },
    { from: 'electron/apps/desktop/x.ts', spec: '../bench/stats.js', says: /apps do not import each other/ },
    { from: 'electron/apps/bench/x.ts', spec: '../runner/server.js', says: /apps do not import each other/ },
    { from: 'electron/apps/bench/x.ts', spec: '../cli/main.js', says: /apps do not import each other/ },
    { from: 'electron/apps/bench/x.ts', spec: '../desktop/main.js', says: /apps do not import each other/ },
  ];
  it.each(directions)('$from ↛ $spec (static and dynamic)', async ({ from, spec, says }) => {
    const statically = await lint(from, `export * from '${spec}';\n`);
    expect(statically.messages.map((m) => [m.ruleId, m.message])).toEqual([
      ['no-restricted-imports', expect.stringMatching(says)],
    ]);
    const dynamically = await lint(from, `export const load = () => import('${spec}');\n`);
    expect(dynamically.messages.map((m) => [m.ruleId, m.message])).toEqual([
      ['no-restricted-syntax', expect.stringMatching(says)],
    ]);
  });

  it.each(cases)('$file: $code', async ({ file, code, rule, says }) => {
    const result = await lint(file, code);
    const hits = result.messages.filter((m) => m.ruleId === rule);
    expect(hits, `expected ${rule} in ${JSON.stringify(result.messages)}`).toHaveLength(1);
    expect(hits[0]?.severity).toBe(2);
    expect(hits[0]?.message).toMatch(says);
  });
});

describe('layering: allowed imports pass', () => {
  it('a clean shared file has no problems at all', async () => {
    const result = await lint(
      'shared/x.ts',
      "import { z } from 'zod';\nimport { isErrorCode } from './error-codes.js';\n" +
        'export const Code = z.string().refine(isErrorCode);\n',
    );
    expect(result.messages).toEqual([]);
  });

  it('the shell may import electron and the core', async () => {
    const result = await lint(
      'electron/apps/desktop/x.ts',
      "import { app } from 'electron';\nimport { AfterwordError } from '../core/errors.js';\n" +
        'export const both = [app, AfterwordError];\n',
    );
    expect(result.messages).toEqual([]);
  });

  it.each([
    ['electron/apps/cli/commands/x.ts', '../../runner/server.js'],
    ['electron/apps/cli/commands/x.ts', '../../bench/run-benchmarks.js'],
    ['electron/apps/runner/x.ts', '../../node/system-clock.js'],
    ['electron/apps/desktop/x.ts', '../../core/engine.js'],
    ['electron/node/x.ts', '../core/ports/clock.js'],
    ['electron/core/api/x.test.ts', '../../node/system-clock.js'],
    ['electron/core/test-support/x.ts', '../../node/file-key-store.js'],
    ['electron/apps/runner/x.test.ts', '../cli/test-support/run-cli.js'],
  ])('%s may import %s', async (file, spec) => {
    expect((await lint(file, `export * from '${spec}';\n`)).messages).toEqual([]);
  });

  it('the core may use Node and import shared/', async () => {
    const result = await lint(
      'electron/core/x.ts',
      "import { readFile } from 'node:fs/promises';\nimport { isErrorCode } from '../../shared/error-codes.js';\n" +
        'export const both = [readFile, isErrorCode];\n',
    );
    expect(result.messages).toEqual([]);
  });

  it('the renderer may import shared/ and packages whose names merely start like a banned one', async () => {
    const result = await lint(
      'renderer/src/x.ts',
      "import { isErrorCode } from '../../shared/error-codes.js';\nimport store from 'electron-store';\n" +
        "import p from 'pathe';\nexport const all = [isErrorCode, store, p];\n",
    );
    expect(result.messages).toEqual([]);
  });
});

describe('other project rules', () => {
  it('unused variables are errors unless they start with _', async () => {
    const result = await lint(
      'electron/core/x.ts',
      'export function f(_unused: number, used: number): number {\n  const _ignored = 1;\n  const dead = 2;\n  return used;\n}\n',
    );
    expect(ruleIds(result)).toEqual(['@typescript-eslint/no-unused-vars']);
    expect(result.messages[0]?.message).toMatch(/'dead'/);
  });

  it('console is an error in the core and allowed in the CLI, bench, scripts and bin', async () => {
    const code = "console.log('hi');\nexport {};\n";
    expect(ruleIds(await lint('electron/core/x.ts', code))).toEqual(['no-console']);
    expect(ruleIds(await lint('shared/x.ts', code))).toEqual(['no-console']);
    for (const file of ['electron/apps/cli/x.ts', 'electron/apps/bench/x.ts', 'scripts/x.js', 'bin/x.js']) {
      expect(ruleIds(await lint(file, code)), file).toEqual([]);
    }
  });
});
