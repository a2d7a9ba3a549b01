#!/usr/bin/env node
// `npm run build` step after `tsc -b`: bundles the compiled CLI (dist/electron/apps/cli/main.js)
// into dist/cli/, one file per lazily loaded part. A command then reads a few files instead of
// ~550 (kysely and zod alone are ~360 ES modules), which is most of a cron `tick`'s start-up.
// bin/afterword.js runs the bundle only while it is newer than the tsc build, else dist/ as is.
//
// Each compiled file keeps its own `import.meta.url`, rewritten to where tsc wrote it: the mail
// and scrypt worker threads, the renderer's folder and createRequire find what they found before.
// Source maps chain through tsc's, so `--debug` stack traces name the .ts lines.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUNDLE_DIR = join(ROOT, 'dist', 'cli');
const ENTRY = join(ROOT, 'dist', 'electron', 'apps', 'cli', 'main.js');
const COMPILED = join(ROOT, 'dist') + sep;

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
// Native addons load their .node file from their own folder; test and bench tools are not shipped.
const EXTERNAL = ['better-sqlite3', '@napi-rs/keyring', ...Object.keys(pkg.devDependencies ?? {})];

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

// CommonJS dependencies call require() for Node's own modules; esbuild routes those calls through
// one helper chunk. Chunks that never name `require` get the banner's line emptied (the line stays,
// so source maps still match): creating a require function costs a few hundred µs a chunk.
const REQUIRE_BANNER =
  "import { createRequire as __afterwordRequire } from 'node:module'; const require = __afterwordRequire(import.meta.url);";

async function dropUnusedRequireBanners(outputs) {
  for (const file of outputs) {
    if (!file.endsWith('.js')) continue;
    const path = join(ROOT, file);
    const source = await readFile(path, 'utf8');
    if (!source.startsWith(REQUIRE_BANNER)) continue;
    const body = source.slice(REQUIRE_BANNER.length);
    if (!/\brequire\b/.test(body)) await writeFile(path, body);
  }
}

/** Builds into a fresh folder, then swaps it in: a CLI started meanwhile runs one or the other whole. */
export async function bundleCli() {
  const staging = `${BUNDLE_DIR}.${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const result = await build({
    entryPoints: { main: ENTRY },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    absWorkingDir: ROOT,
    outdir: staging,
    sourcemap: 'linked',
    // Less to parse at every start; identifiers keep their names (error classes, stack traces).
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    external: EXTERNAL,
    banner: { js: REQUIRE_BANNER },
    plugins: [ownUrlPlugin(BUNDLE_DIR), lazyChildProcessPlugin],
    logLevel: 'warning',
  });
  // Which compiled files and packages each chunk holds (the tests check what a command loads).
  // Paths in it are relative to the repository, the chunks named where they end up.
  const staged = relative(ROOT, staging).split(sep).join('/');
  const final = relative(ROOT, BUNDLE_DIR).split(sep).join('/');
  const outputs = Object.entries(result.metafile.outputs).map(([file, output]) => [
    file.replace(staged, final),
    output,
  ]);
  await dropUnusedRequireBanners(Object.keys(result.metafile.outputs));
  const meta = { inputs: result.metafile.inputs, outputs: Object.fromEntries(outputs) };
  await writeFile(join(staging, 'meta.json'), JSON.stringify(meta));
  const old = `${BUNDLE_DIR}.old.${process.pid}`;
  await rename(BUNDLE_DIR, old).catch(() => undefined);
  await rename(staging, BUNDLE_DIR);
  await rm(old, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli();
