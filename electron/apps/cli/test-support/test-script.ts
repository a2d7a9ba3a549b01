// Test helper: a test-support script that a test starts as a child process, as plain JavaScript.
// The build holds no test code, and `node --import tsx` cost each child about a CPU-second to
// start (three times the script's own start), so the script is bundled once per test process with
// esbuild instead: its TypeScript imports go in, packages stay imports, and the product it drives
// is still the compiled one in dist/, loaded at run time (see importBuilt).
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { REPO_ROOT, assertCliBuilt } from './run-cli.js';

const bundled = new Map<string, string>();

/** dist/.test-support/<path under electron/ as .mjs>: under the repository, so the script finds it. */
function bundleOf(sourceUnderElectron: string): string {
  const done = bundled.get(sourceUnderElectron);
  if (done) return done;
  const source = join(REPO_ROOT, 'electron', sourceUnderElectron);
  if (!existsSync(source)) throw new Error(`there is no electron/${sourceUnderElectron}`);
  const out = join(REPO_ROOT, 'dist', '.test-support', sourceUnderElectron.replace(/\.ts$/, '.mjs'));
  const { outputFiles } = buildSync({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    outfile: out,
  });
  mkdirSync(dirname(out), { recursive: true });
  // Written aside and renamed: a child of another test file may be starting from the same path.
  const aside = `${out}.${process.pid}.tmp`;
  writeFileSync(aside, outputFiles[0]!.contents);
  renameSync(aside, out);
  bundled.set(sourceUnderElectron, out);
  return out;
}

/**
 * The Node arguments that run a test-support script (given by its path under electron/); the
 * product it drives comes from dist/, so the build is checked first.
 */
export function testScript(sourceUnderElectron: string): string[] {
  assertCliBuilt();
  return [bundleOf(sourceUnderElectron)];
}
