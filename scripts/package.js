#!/usr/bin/env node
// `npm run package [-- electron-builder options]`: build, then electron-builder with
// build/electron-builder.yml (its afterPack hook flips and reads back the Electron fuses).
//
// First a quick check that the Electron download host answers: electron-builder rebuilds
// better-sqlite3 for Electron in node_modules (minutes) before it downloads the Electron zip, so
// without that host it would fail only after rewriting the native module, with a bare DNS error.
// Node built-ins only.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const LOOKUP_TIMEOUT_MS = 10_000;

function fail(lines) {
  console.error(['', ...lines.map((line) => `afterword package: ${line}`), ''].join('\n'));
  process.exit(1);
}

/** Where electron-builder fetches the Electron zip: ELECTRON_MIRROR if set, else GitHub. */
function downloadHost() {
  const mirror = process.env.ELECTRON_MIRROR;
  try {
    return new URL(mirror ?? 'https://github.com/').hostname;
  } catch {
    return fail([`ELECTRON_MIRROR is not a URL: "${mirror}"`]);
  }
}

async function reachable(host) {
  let timer;
  const timeout = new Promise(
    (resolve) => (timer = setTimeout(() => resolve('no answer within 10 s'), LOOKUP_TIMEOUT_MS)),
  );
  try {
    return await Promise.race([
      lookup(host).then(
        () => null,
        (error) => error.code ?? error.message,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

if (process.env.AFTERWORD_PACKAGE_OFFLINE !== '1') {
  const host = downloadHost();
  const problem = await reachable(host);
  if (problem) {
    fail([
      `cannot reach ${host} (${problem}), where electron-builder downloads the Electron zip for each target.`,
      'Packaging needs that download (and prebuilt Electron headers for better-sqlite3): run it on a machine',
      'with access to GitHub, or set ELECTRON_MIRROR to a reachable mirror. With the zips already in',
      "electron-builder's cache, AFTERWORD_PACKAGE_OFFLINE=1 skips this check. See build/README.md.",
    ]);
  }
}

const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });

// `npm run build`, step by step, into an empty dist/: an old one would package code that no longer
// exists (or test code from before the build left tests out; the file list has no rule against it).
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
for (const step of [
  [require.resolve('typescript/bin/tsc'), '-b'],
  [require.resolve('vite/bin/vite.js'), 'build'],
]) {
  const built = run(step);
  if (built.status !== 0) fail(['the build failed: nothing was packaged.']);
}

const builderCli = require.resolve('electron-builder/cli.js');
const packaged = run([builderCli, '--config', 'build/electron-builder.yml', ...process.argv.slice(2)]);
process.exit(packaged.status ?? 1);
