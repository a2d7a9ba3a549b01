#!/usr/bin/env node
// `npm run build` step after `tsc -b`: bundles the compiled CLI (dist/electron/apps/cli/main.js)
// into dist/cli/, one file per lazily loaded part. A command then reads a few files instead of
// ~550 (kysely and zod alone are ~360 ES modules), which is most of a cron `tick`'s start-up.
// bin/afterword.js runs the bundle only while it is newer than the tsc build, else dist/ as is.
//
// Each compiled file keeps its own `import.meta.url`, rewritten to where tsc wrote it: the mail
// and scrypt worker threads, the renderer's folder and createRequire find what they found before.
// Source maps chain through tsc's, so `--debug` stack traces name the .ts lines.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUNDLE_DIR = join(ROOT, 'dist', 'cli');
const ENTRY = join(ROOT, 'dist', 'electron', 'apps', 'cli', 'main.js');
// Loaded by bin/afterword.js before main.js when a password is given: a name that does not change.
const HEAD_START_ENTRY = join(ROOT, 'dist', 'electron', 'apps', 'cli', 'password-head-start.js');
const COMPILED = join(ROOT, 'dist') + sep;

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
// Native addons load their .node file from their own folder; test and bench tools are not shipped.
// better-sqlite3's JavaScript is bundled (its dozen files, compiled at every start, were ~10 ms of
// a tick): each connection is given the addon's path (core/db/sqlite-addon.ts), and `bindings`,
// its search for the addon when none is given, stays in node_modules to search from there.
const EXTERNAL = ['bindings', '@napi-rs/keyring', ...Object.keys(pkg.devDependencies ?? {})];

/** `import.meta.url` of a compiled file, as seen from a chunk in the bundle's folder. */
const ownUrlPlugin = (outDir) => ({
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async ({ path }) => {
      if (!path.startsWith(COMPILED)) return undefined;
      const source = await readFile(path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromChunk = relative(outDir, path).split(sep).join('/');
      const own = `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', own), loader: 'js', resolveDir: dirname(path) };
    });
  },
});

/**
 * commander requires `child_process` at the top (for git-style executable sub-commands, which
 * Afterword has none of); loading it costs every command ~13 ms. It is required on first spawn.
 */
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyChildProcessPlugin = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes(COMMANDER_CHILD_PROCESS))
        throw new Error(`${path} no longer has \`${COMMANDER_CHILD_PROCESS}\`: update bundle-cli.mjs`);
      const lazy =
        'let loadedChildProcess; const childProcess = { spawn: (...args) => ' +
        "(loadedChildProcess ??= require('node:child_process')).spawn(...args) };";
      return { contents: source.replace(COMMANDER_CHILD_PROCESS, lazy), loader: 'js' };
    });
  },
};

/**
 * zod (~140 KB) is needed only where a schema is built or checked, which an idle `tick` never
 * does: each `import * as z from 'zod'` gets an object whose properties require the bundle's
 * `zod.js` (the names the compiled code reads, and only those) at the first read.
 */
const ZOD_CHUNK = 'zod';
const ZOD_USE = /(?<![\w$.])z\s*\.\s*([A-Za-z_$][\w$]*)/g;

async function compiledFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => join(e.parentPath ?? e.path, e.name));
}

/** Every `z.<name>` the compiled files that import zod read. */
async function zodNamesUsed() {
  const names = new Set();
  for (const dir of ['electron', 'shared'])
    for (const file of await compiledFiles(join(ROOT, 'dist', dir))) {
      const source = await readFile(file, 'utf8');
      if (!/from ['"]zod['"]/.test(source)) continue;
      if (!source.includes("import * as z from 'zod'") && /^import (?!type )[^;]*from ['"]zod['"]/m.test(source))
        throw new Error(`${file}: import zod as \`import * as z from 'zod'\`, which bundle-cli.mjs loads on first use`);
      for (const [, name] of source.matchAll(ZOD_USE)) names.add(name);
    }
  return [...names].sort();
}

const lazyZodPlugin = (names) => ({
  name: 'lazy-zod',
  setup(b) {
    b.onResolve({ filter: /^afterword:zod$/ }, () => ({ path: 'zod', namespace: 'zod-chunk' }));
    b.onLoad({ filter: /.*/, namespace: 'zod-chunk' }, () => ({
      contents: `export { ${names.join(', ')} } from 'zod';`,
      resolveDir: ROOT,
      loader: 'js',
    }));
    b.onResolve({ filter: /^zod$/ }, (args) =>
      args.namespace === 'zod-chunk' ? undefined : { path: 'zod', namespace: 'lazy-zod' },
    );
    b.onResolve({ filter: new RegExp(`^\\./${ZOD_CHUNK}\\.js$`) }, (args) =>
      args.namespace === 'lazy-zod' ? { path: args.path, external: true } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-zod' }, () => ({
      contents: [
        `let zod; const load = () => (zod ??= require('./${ZOD_CHUNK}.js'));`,
        'module.exports = Object.defineProperties({}, {',
        ...names.map((name) => `  ${name}: { enumerable: true, get: () => load().${name} },`),
        '});',
      ].join('\n'),
      loader: 'js',
    }));
  },
});

/**
 * The split bundle is converted to CommonJS, one file per chunk, so that bin/afterword.js can load
 * it through V8's code cache (Node 20 has none for ES modules): the chunks' `import()` calls
 * become `__dyn_()` (the same length, so the source maps stay exact), a require() run later, and
 * `import.meta.url` the file's own URL.
 */
const CJS_BANNER = [
  'const __afterwordMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
  'const __dyn_ = (id) => Promise.resolve().then(() => require(id));',
].join(' ');

async function renameDynamicImports(dir) {
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.js')) continue;
    const path = join(dir, name);
    const source = await readFile(path, 'utf8');
    const renamed = source.replace(/\bimport\((?=["'`])/g, '__dyn_(');
    if (/\bimport\(/.test(renamed)) throw new Error(`${name}: an import() without a literal name cannot be converted`);
    if (renamed !== source) await writeFile(path, renamed);
  }
}

/** Every chunk an entry of its own, every import of it left to require() at run time. */
const keepImportsOutside = {
  name: 'keep-imports-outside',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: args.path, external: true },
    );
  },
};

async function toCommonJs(esmDir, outDir) {
  await renameDynamicImports(esmDir);
  const chunks = (await readdir(esmDir)).filter((name) => name.endsWith('.js')).map((name) => join(esmDir, name));
  await build({
    entryPoints: chunks,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    absWorkingDir: ROOT,
    outdir: outDir,
    sourcemap: 'linked',
    minifyWhitespace: true,
    minifySyntax: true,
    define: { 'import.meta.url': '__afterwordMeta.url' },
    banner: { js: CJS_BANNER },
    plugins: [keepImportsOutside],
    logLevel: 'warning',
  });
  // The repository is an ES module package; this folder is CommonJS.
  await writeFile(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
}

/** Builds into a fresh folder, then swaps it in: a CLI started meanwhile runs one or the other whole. */
export async function bundleCli() {
  const staging = `${BUNDLE_DIR}.${process.pid}`;
  const esm = `${staging}.esm`;
  await rm(staging, { recursive: true, force: true });
  await rm(esm, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const result = await build({
    entryPoints: { main: ENTRY, 'password-head-start': HEAD_START_ENTRY, [ZOD_CHUNK]: 'afterword:zod' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    absWorkingDir: ROOT,
    outdir: esm,
    sourcemap: 'linked',
    // Less to parse at every start; identifiers keep their names (error classes, stack traces).
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    external: EXTERNAL,
    plugins: [ownUrlPlugin(BUNDLE_DIR), lazyChildProcessPlugin, lazyZodPlugin(await zodNamesUsed())],
    logLevel: 'warning',
  });
  await toCommonJs(esm, staging);
  await rm(esm, { recursive: true, force: true });
  // Which compiled files and packages each chunk holds (the tests check what a command loads).
  // Paths in it are relative to the repository, the chunks named where they end up.
  const staged = relative(ROOT, esm).split(sep).join('/');
  const final = relative(ROOT, BUNDLE_DIR).split(sep).join('/');
  const outputs = Object.entries(result.metafile.outputs).map(([file, output]) => [
    file.replace(staged, final),
    { ...output, imports: output.imports.map((i) => ({ ...i, path: i.path.replace(staged, final) })) },
  ]);
  const meta = { inputs: result.metafile.inputs, outputs: Object.fromEntries(outputs) };
  await writeFile(join(staging, 'meta.json'), JSON.stringify(meta));
  const old = `${BUNDLE_DIR}.old.${process.pid}`;
  await rename(BUNDLE_DIR, old).catch(() => undefined);
  await rename(staging, BUNDLE_DIR);
  await rm(old, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli();
