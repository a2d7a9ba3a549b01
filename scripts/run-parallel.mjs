#!/usr/bin/env node
// Runs several npm scripts at once and fails if any of them fails: `npm test` runs the linter, the
// format check and the type-check side by side (each is a single-threaded process, and together
// they took over three minutes one after the other). Each script's output is held back and
// printed whole when it ends, so the outputs do not interleave. Node built-ins only.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node scripts/run-parallel.mjs <npm script> [<npm script> ...]');
  process.exit(2);
}

/** npm itself, as the script that called us ran it (npm_execpath), else the one on the PATH. */
function npmCommand(args) {
  const npmCli = process.env.npm_execpath;
  if (npmCli && /\.c?js$/.test(npmCli)) return [process.execPath, [npmCli, ...args]];
  return ['npm', args];
}

const children = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(130);
  });
}

/** @returns {Promise<boolean>} whether the script passed */
function run(name) {
  const started = Date.now();
  const [command, args] = npmCommand(['run', name]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
  children.add(child);
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  return new Promise((resolve) => {
    const finish = (passed, why) => {
      children.delete(child);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\n── npm run ${name}: ${passed ? 'passed' : `FAILED (${why})`} in ${seconds} s\n`);
      process.stdout.write(Buffer.concat(output));
      resolve(passed);
    };
    child.on('error', (error) => finish(false, error.message));
    child.on('close', (code, signal) => finish(code === 0, signal ? `signal ${signal}` : `exit ${code}`));
  });
}

const results = await Promise.all(names.map(run));
const failed = names.filter((_, i) => !results[i]);
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.map((n) => `npm run ${n}`).join(', ')}`);
  process.exit(1);
}
