#!/usr/bin/env node
// `npm start`: launch the Electron shell if the Electron binary is present; otherwise explain why
// not and show the CLI. Node built-ins only.
//
// The binary check mirrors node_modules/electron/index.js (path.txt names the executable inside
// dist/) WITHOUT calling require('electron'): from plain Node that would try to download the
// binary, which cannot work on a machine without network access to GitHub.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const shellMain = path.join(root, 'dist', 'electron', 'apps', 'desktop', 'main.js');

/** @returns {string | null} the Electron executable, if it is actually on disk. */
function findElectronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null; // the package is not installed at all
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override) return null;
  const binary = override ? path.join(override, relative || 'electron') : path.join(pkgDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

function run(command, args) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit' });
}

/** @returns {Promise<never>} */
function fallback(reason) {
  console.log(
    [
      '',
      `Afterword: ${reason}`,
      'The Electron binary is not available on this machine (it is downloaded lazily from GitHub,',
      'which is not reachable here), so the desktop window cannot open.',
      'Starting the headless runner instead (`afterword serve`): open the URL it prints in a browser.',
      'With no vault yet, create it there; with a locked vault, unlock it there (or turn on unattended',
      'delivery with `npx afterword unattended enable`) so that warnings and deliveries go out.',
      '',
    ].join('\n'),
  );
  const cli = path.join(root, 'bin', 'afterword.js');
  // The default vault, whether it exists or not: `vault.create` works through the UI meanwhile.
  const child = spawn(process.execPath, [cli, 'serve'], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => {
    console.error(`Afterword: the runner could not be started (${error.message}).`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && code !== null)
      console.log(`\n(The runner stopped with exit code ${code}; if it is not built yet, run \`npm run build\`.)`);
    process.exit(code ?? (signal ? 0 : 1));
  });
  // Never settles: the runner's exit ends this process, and nothing after the call runs.
  return new Promise(() => {});
}

const electron = findElectronBinary();
if (!electron) await fallback('no Electron binary found in node_modules/electron.');

// Compile first (incremental): an old dist/ is an easy way to run code that no longer exists.
const tsc = require.resolve('typescript/bin/tsc');
const build = run(process.execPath, [tsc, '-b']);
if (build.status !== 0 || !existsSync(shellMain)) {
  console.error(`Afterword: the build failed, so ${path.relative(root, shellMain)} cannot be started.`);
  process.exit(build.status || 1);
}

// ELECTRON_RUN_AS_NODE would make the binary behave as plain Node and ignore the app.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;

const child = spawn(electron, [shellMain, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
child.on('error', (error) => fallback(`the Electron binary could not be started (${error.message}).`));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 0);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
