// Test helper: a test-support script that a test starts as a child process, as plain JavaScript.
// The build holds no test code, and `node --import tsx` cost each child about a CPU-second to
// start (three times the script's own start), so the script is bundled once per test process with
// esbuild instead: its TypeScript imports go in, packages stay imports, and the product it drives
// is still the compiled one in dist/, loaded at run time (see importBuilt).
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { REPO_ROOT, assertCliBuilt } from './run-cli.js';

const bundled = new Map<string, string[]>();

/**
 * Bundles test-support scripts (paths under electron/) into tmp/test-support/ (under the
 * repository, so that they find it; not in dist/, which holds the product only), each as <its
 * path>.mjs; returns those paths in the same order. Scripts bundled together share one instance
 * of the modules they both import (a chunk), as scripts loaded into one process must.
 */
export function bundleTestScripts(sourcesUnderElectron: readonly string[]): string[] {
  const key = sourcesUnderElectron.join('\n');
  const done = bundled.get(key);
  if (done) return done;
  const sources = sourcesUnderElectron.map((path) => {
    const source = join(REPO_ROOT, 'electron', path);
    if (!existsSync(source)) throw new Error(`there is no electron/${path}`);
    return source;
  });
  const outdir = join(REPO_ROOT, 'tmp', 'test-support');
  const { outputFiles } = buildSync({
    entryPoints: sources,
    outbase: join(REPO_ROOT, 'electron'),
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
  });
  for (const file of outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    // Written aside and renamed: a child of another test file may be starting from the same path.
    const aside = `${file.path}.${process.pid}.tmp`;
    writeFileSync(aside, file.contents);
    renameSync(aside, file.path);
  }
  const outs = sourcesUnderElectron.map((path) => join(outdir, path.replace(/\.ts$/, '.mjs')));
  bundled.set(key, outs);
  return outs;
}

/**
 * The Node arguments that run a test-support script (given by its path under electron/); the
 * product it drives comes from dist/, so the build is checked first.
 */
export function testScript(sourceUnderElectron: string): string[] {
  assertCliBuilt();
  return bundleTestScripts([sourceUnderElectron]);
}
