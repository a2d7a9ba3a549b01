// Preload for a CLI child process (`node --import <this> bin/afterword.js …`): appends the URL of
// every module the process loads to the file named by AFTERWORD_TEST_MODULE_LOG, one a line. ES
// modules through a loader hook; CommonJS ones (also those required from inside a package) from
// require's cache when the process exits, and Node's own modules as `builtin:<name>` lines.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const log = process.env.AFTERWORD_TEST_MODULE_LOG;
if (!log) throw new Error('record-modules.mjs needs AFTERWORD_TEST_MODULE_LOG');
const hook = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (!url.startsWith('node:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
const require = createRequire(import.meta.url);
process.on('exit', () => {
  const required = Object.keys(require.cache).map((file) => `${pathToFileURL(file).href}\n`);
  // Node's own modules, however they were loaded (import, require, from inside Node itself).
  const builtins = process.moduleLoadList.flatMap((entry) =>
    entry.startsWith('NativeModule ') ? [`builtin:${entry.slice('NativeModule '.length)}\n`] : [],
  );
  appendFileSync(log, required.join('') + builtins.join(''));
});
