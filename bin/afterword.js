#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script), then bundled
// into dist/cli/ (scripts/bundle-cli.mjs), which starts several times faster. A bundle older than
// the last `tsc -b` is not used: dist/ as compiled runs instead, never yesterday's code.
// The bundle is CommonJS, run through V8's code cache (compile-cache.cjs) unless --debug asks for
// stack traces through the source maps.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
const entry = new URL('electron/apps/cli/main.js', dist);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('afterword: not built yet. Run `npm install` (or `npm run build`) in the repository first.\n');
  process.exit(1);
}
const mtime = (relative) => statSync(fileURLToPath(new URL(relative, dist)), { throwIfNoEntry: false })?.mtimeMs ?? 0;
const bundle = new URL('cli/main.js', dist);
const bundled =
  mtime('cli/main.js') >= Math.max(mtime('.tsbuild/node.tsbuildinfo'), mtime('.tsbuild/shared.tsbuildinfo'));
// --debug prints stack traces: through the source maps, they name the TypeScript lines.
const debug = process.argv.includes('--debug');
if (debug) process.setSourceMapsEnabled(true);
if (bundled && mtime('cli/main.js') > 0) {
  const require = createRequire(import.meta.url);
  if (!debug) require('./compile-cache.cjs').useCompileCache(fileURLToPath(new URL('cli/', dist)));
  require(fileURLToPath(bundle));
} else {
  await import(entry.href);
}
