// Runs the CommonJS bundle in dist/cli/ through V8's code cache. Node 20 keeps no cache for ES
// modules and compiles every file at each start; a cron `tick` or a `status` spends a fifth of its
// time there. Each chunk is compiled from its cache file when V8 accepts it (same source, same V8),
// and at exit the chunks compiled without one get it written, with the functions that run used.
// The first run of each command after a build writes again the caches it used, with the functions
// it compiled beyond them: a chunk's cache then holds what every command run so far needs (a
// `status` after a `tick` would otherwise compile its own functions at every start). Not a process
// that ran long (`serve`, `run`, the benchmarks): V8 drops the compiled code of functions that have
// not run for a while, so its caches would hold less than those it would replace.
// The cache lives inside the bundle's folder, which a rebuild replaces whole.
'use strict';
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { basename, dirname, join, sep } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { Script } = require('node:vm');

/** A chunk shared by commands (`chunk-….js`, `engine-commands-….js`), not an entry (main.js). */
const SHARED_CHUNK = /-[A-Z0-9]{8}\.js$/;
const COMMAND_WORD = /^[a-z][a-z0-9-]{0,31}$/;
/** Seconds after which a process no longer writes again the caches it read (see above). */
const LONG_RUN_SECONDS = 10;

/**
 * @param {string} bundleDir the folder of the CommonJS chunks (dist/cli)
 * @param {string} [command] the command this process runs (`tick`), to know its first run
 * @param {{ longRunSeconds?: number, cacheDir?: string }} [options] for tests: when a run counts
 *   as long, and a cache folder of their own (by default `.v8-cache` in the bundle's folder)
 */
function useCompileCache(bundleDir, command, options = {}) {
  const { longRunSeconds = LONG_RUN_SECONDS } = options;
  // V8 checks a code cache's header but, in release builds, not its contents: with this flag it
  // writes a checksum and rejects a file whose bytes do not match it (a torn write, a bad disk).
  setFlagsFromString('--verify-snapshot-checksum');
  const inside = bundleDir.endsWith(sep) ? bundleDir : bundleDir + sep;
  const cacheDir = options.cacheDir ?? join(inside, '.v8-cache');
  const tag = `${process.versions.v8}-${process.arch}`;
  /** @type {Array<[import('node:vm').Script, string]>} */
  const toWrite = [];
  /** @type {Array<[import('node:vm').Script, string]>} shared chunks compiled from their cache */
  const fromCache = [];
  const compile = Module.prototype._compile;

  /** What Module.prototype._compile does for CommonJS, with the cached data given to V8. */
  function runCached(module, content, filename) {
    const cacheFile = join(cacheDir, `${basename(filename)}.${tag}`);
    let cachedData;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // none yet
    }
    const script = new Script(Module.wrap(content), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push([script, cacheFile]);
    else if (SHARED_CHUNK.test(filename)) fromCache.push([script, cacheFile]);
    const require = (id) => module.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
    require.cache = Module._cache;
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(module.exports, module.exports, require, module, filename, dirname(filename));
  }

  // A chunk names the chunks it needs as `./chunk-….js`, files beside it: the general resolution
  // (package scope, stat, realpath for each) found the same path at ~0.1 ms a chunk.
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveChunk(request, parent, isMain, options) {
    if (options === undefined && request.startsWith('./') && request.endsWith('.js') && !request.includes('/', 2)) {
      const from = parent?.filename;
      if (typeof from === 'string' && from.startsWith(inside) && !from.includes(sep, inside.length))
        return join(inside, request.slice(2));
    }
    return resolveFilename.call(this, request, parent, isMain, options);
  };

  Module.prototype._compile = function compileWithCache(content, filename) {
    if (!filename.startsWith(inside) || !filename.endsWith('.js')) return compile.call(this, content, filename);
    return runCached(this, content, filename);
  };

  process.once('exit', () => {
    const ran = command !== undefined && COMMAND_WORD.test(command) ? join(cacheDir, `ran-${command}.${tag}`) : null;
    const firstRun = ran !== null && !existsSync(ran);
    const rewrite = firstRun && process.uptime() < longRunSeconds;
    const writing = rewrite ? [...toWrite, ...fromCache] : toWrite;
    if (writing.length === 0 && !firstRun) return;
    try {
      mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
      for (const [script, cacheFile] of writing) {
        // Another process may write the same file: each writes its own, then renames it over.
        const partial = `${cacheFile}.${process.pid}`;
        writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
        renameSync(partial, cacheFile);
      }
      if (firstRun) writeFileSync(ran, '', { mode: 0o600 });
    } catch {
      // A read-only install: every start compiles, as without the cache.
    }
  });
}

module.exports = { useCompileCache };
