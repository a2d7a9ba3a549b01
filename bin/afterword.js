#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script), then bundled
// into dist/cli/ (scripts/bundle-cli.mjs), which starts several times faster. A bundle older than
// the last `tsc -b` is not used: dist/ as compiled runs instead, never yesterday's code.
// The bundle is CommonJS, run through V8's code cache (compile-cache.cjs) unless --debug asks for
// stack traces through the source maps. This file is CommonJS too (bin/package.json): an ES module
// entry would start Node's ES module loader, and importing `node:fs` as one loads its streams and
// promises at once, ~13 ms of every command's start.
'use strict';
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const dist = join(__dirname, '..', 'dist');
const entry = join(dist, 'electron', 'apps', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('afterword: not built yet. Run `npm install` (or `npm run build`) in the repository first.\n');
  process.exit(1);
}
const mtime = (relative) => statSync(join(dist, relative), { throwIfNoEntry: false })?.mtimeMs ?? 0;
const bundled =
  mtime('cli/main.js') > 0 &&
  mtime('cli/main.js') >= Math.max(mtime('.tsbuild/node.tsbuildinfo'), mtime('.tsbuild/shared.tsbuildinfo'));
// --debug prints stack traces: through the source maps, they name the TypeScript lines.
const debug = process.argv.includes('--debug');
/** The command's word: the first argument that is not an option (`--vault` takes the next one). */
function commandWord(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--vault') i++;
    else if (!args[i].startsWith('-')) return args[i];
  }
  return undefined;
}
if (debug) process.setSourceMapsEnabled(true);
if (bundled) {
  // A command that signs in with AFTERWORD_PASSWORD starts the key derivation now, on the thread
  // pool, before the command parser and the command's code load (password-head-start.ts). Even
  // before the code cache: its few small files compile in less time than the cache takes to set up.
  if (process.env.AFTERWORD_PASSWORD && !process.env.AFTERWORD_SESSION)
    require(join(dist, 'cli', 'password-head-start.js')).startPasswordHeadStartFor(process.argv.slice(2), process.env);
  if (!debug) require('./compile-cache.cjs').useCompileCache(join(dist, 'cli'), commandWord(process.argv.slice(2)));
  require(join(dist, 'cli', 'main.js'));
} else {
  // The compiled ES modules as tsc wrote them.
  import(pathToFileURL(entry).href).catch((error) => {
    process.stderr.write(`afterword: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
