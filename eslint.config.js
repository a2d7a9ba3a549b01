// Flat config. Besides typescript-eslint's (non-type-checked) recommended rules, this file is where
// the layering by runtime is enforced:
//   shared/    runs everywhere: no Node, no Electron, no DOM libraries, no imports from the layers above
//   renderer/  runs in a sandboxed browser window: no Node, no Electron, nothing from electron/
//   electron/  runs in plain Node; only electron/apps/desktop/** may import 'electron'. Inside it,
//              dependencies point one way: apps/* -> node/ -> core/ (core/ports are the interfaces
//              the adapters in node/ implement). The apps do not import each other, except the CLI,
//              which starts the runner (`serve`) and the benchmark (`bench`). Tests and test support
//              compose layers freely; they only keep to the no-'electron' rule.
// Static imports and re-exports are checked by `no-restricted-imports`; `import()` with a string
// literal is checked by a matching `no-restricted-syntax` selector, so the gate cannot be side-stepped.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Node built-ins by bare name; any `node:` specifier is banned as well. */
const NODE_BUILTINS = [
  'assert',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'console',
  'constants',
  'crypto',
  'dgram',
  'diagnostics_channel',
  'dns',
  'domain',
  'events',
  'fs',
  'http',
  'http2',
  'https',
  'inspector',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'punycode',
  'querystring',
  'readline',
  'repl',
  'stream',
  'string_decoder',
  'sys',
  'timers',
  'tls',
  'trace_events',
  'tty',
  'url',
  'util',
  'v8',
  'vm',
  'wasi',
  'worker_threads',
  'zlib',
];

/**
 * One restriction, written once and applied three ways: `names` are exact specifiers (reported
 * through `paths`), `regex` catches the rest (through `patterns`; it should not also match the
 * exact names, or each import is reported twice), and `import()` is checked against both.
 */
const rule = (message, { names = [], regex }) => ({ message, names, regex });

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const nodeRule = (layer) =>
  rule(
    `${layer} must not use Node built-ins (node:* or bare names such as fs, path, crypto). ` +
      'Node code lives in electron/; pass what you need in through a port or an argument.',
    { names: NODE_BUILTINS, regex: `^(?:node:.*|(?:${NODE_BUILTINS.map(escape).join('|')})/.*)$` },
  );

const electronRule = (message) => rule(message, { names: ['electron'], regex: '^electron/.*$' });

// Relative specifiers that climb out of the current folder (../) and then enter a folder with one of
// the given names. The check is textual, so a layer's own sub-folders must not take those names
// (no shared/**/electron/, renderer/**/electron/, electron/core/**/shell/).
const reachesInto = (...folders) => `^(?:\\./)?(?:\\.\\./)+(?:[^/]+/)*?(?:${folders.join('|')})(?:/|$)`;

const NO_ELECTRON = electronRule(
  'electron/ outside electron/apps/desktop must run in plain Node: only electron/apps/desktop/** may import ' +
    "'electron'. Define a port in electron/core/ports/ and implement it in the desktop app.",
);

/** Where each folder of electron/ may not reach, by folder name (see `reachesInto`). */
const ELECTRON_DIRECTIONS = [
  {
    folder: 'core',
    forbidden: ['node', 'apps'],
    why:
      'electron/core/ is the innermost layer: it must not import the Node adapters (electron/node/) or the apps ' +
      '(electron/apps/). Declare a port in electron/core/ports/ and have the app pass the adapter in.',
  },
  {
    folder: 'node',
    forbidden: ['apps'],
    why: 'electron/node/ holds adapters that the apps compose: it must not import from electron/apps/.',
  },
  {
    folder: 'apps/cli',
    forbidden: ['desktop'],
    why: 'The apps do not import each other: electron/apps/cli/ may start the runner and the benchmark only.',
  },
  {
    folder: 'apps/runner',
    forbidden: ['cli', 'desktop', 'bench'],
    why: 'The apps do not import each other: move what electron/apps/runner/ needs into electron/core/ or electron/node/.',
  },
  {
    folder: 'apps/desktop',
    forbidden: ['cli', 'runner', 'bench'],
    why: 'The apps do not import each other: move what electron/apps/desktop/ needs into electron/core/ or electron/node/.',
  },
  {
    folder: 'apps/bench',
    forbidden: ['cli', 'runner', 'desktop'],
    why: 'The apps do not import each other: the benchmark composes electron/core/ and electron/node/ itself.',
  },
];

const TESTS = ['electron/**/*.test.ts', 'electron/**/test-support/**'];

function electronLayers() {
  const directed = ELECTRON_DIRECTIONS.map(({ folder, forbidden, why }) => ({
    name: `afterword/layer-electron-${folder.replace('/', '-')}`,
    files: [`electron/${folder}/**`],
    ignores: TESTS,
    rules: [...(folder === 'apps/desktop' ? [] : [NO_ELECTRON]), rule(why, { regex: reachesInto(...forbidden) })],
  }));
  return [
    {
      name: 'afterword/layer-electron',
      files: ['electron/**'],
      ignores: ['electron/apps/desktop/**'],
      rules: [NO_ELECTRON],
    },
    ...directed,
    {
      name: 'afterword/layer-electron-tests',
      files: TESTS,
      ignores: ['electron/apps/desktop/**'],
      rules: [NO_ELECTRON],
    },
  ];
}

const layers = [
  {
    name: 'afterword/layer-shared',
    files: ['shared/**'],
    rules: [
      nodeRule('shared/'),
      electronRule("shared/ runs in every process: it must not import 'electron'. Only electron/apps/desktop/** may."),
      rule('shared/ must not depend on the DOM: react-dom belongs in renderer/.', {
        names: ['react-dom'],
        regex: '^react-dom/.*$',
      }),
      rule(
        'shared/ is the bottom layer: it must not import from electron/ or renderer/. ' +
          'Move the common part into shared/ instead.',
        { regex: reachesInto('electron', 'renderer') },
      ),
    ],
  },
  {
    name: 'afterword/layer-renderer',
    files: ['renderer/**'],
    rules: [
      nodeRule('renderer/ (a sandboxed browser window)'),
      electronRule(
        "renderer/ must not import 'electron': the window is sandboxed and talks to the app only " +
          'through the API the preload exposes (derived from the shared/ contract).',
      ),
      rule('renderer/ must not import from electron/: use the shared/ contract and the preload API.', {
        regex: reachesInto('electron'),
      }),
    ],
  },
  ...electronLayers(),
];

function layerConfig({ name, files, ignores, rules }) {
  const paths = rules.flatMap((r) => r.names.map((n) => ({ name: n, message: r.message })));
  const patterns = rules.map((r) => ({ regex: r.regex, caseSensitive: true, message: r.message }));
  // esquery regex literals may not contain '/', so spell it \u002F there.
  const dynamic = rules.map((r) => {
    const exact = r.names.length ? `^(?:${r.names.map(escape).join('|')})$|` : '';
    return {
      selector: `ImportExpression[source.value=/${(exact + r.regex).replaceAll('/', '\\u002F')}/]`,
      message: r.message,
    };
  });
  return {
    name,
    files,
    ...(ignores ? { ignores } : {}),
    rules: {
      'no-restricted-imports': ['error', { paths, patterns }],
      'no-restricted-syntax': ['error', ...dynamic],
    },
  };
}

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'release/', 'e2e/test-results/', 'tmp/']),
  {
    name: 'afterword/files',
    files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'afterword/common',
    files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      'no-console': 'error',
    },
  },
  {
    // Type-aware checks for what goes wrong silently: a promise nobody awaits or catches, a promise
    // where a callback's result is ignored, a switch over a union that forgets a member.
    name: 'afterword/type-aware',
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: {
      parserOptions: {
        project: [
          'tsconfig.shared.json',
          'tsconfig.node.json',
          'tsconfig.shell.json',
          'tsconfig.renderer.json',
          'tsconfig.tests.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // React ignores what an event handler returns; the app's async handlers catch their own errors.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // CommonJS TypeScript (the sandboxed preload must be CommonJS): with verbatimModuleSyntax the
    // only way to import there is `import x = require('x')`. Plain require() calls stay banned.
    name: 'afterword/cts',
    files: ['**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }] },
  },
  {
    // Plain CommonJS JavaScript (the CLI's launcher and its compile cache, bin/package.json):
    // require() is how it imports.
    name: 'afterword/cjs',
    files: ['**/*.cjs', 'bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    name: 'afterword/console-allowed',
    files: ['electron/apps/cli/**', 'electron/apps/bench/**', 'scripts/**', 'bin/**', 'e2e/**'],
    rules: { 'no-console': 'off' },
  },
  // Globals only matter for JS files (typescript-eslint turns no-undef off for TS; tsconfig `types`
  // and `lib` do that job there). shared/ gets none beyond the language's own.
  {
    name: 'afterword/globals-node',
    files: ['electron/**', 'scripts/**', 'bin/**', '*.config.{js,ts,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'afterword/globals-browser',
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
  },
  ...layers.map(layerConfig),
]);
