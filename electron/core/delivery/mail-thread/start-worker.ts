import { createRequire } from 'node:module';
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker, WorkerOptions } from 'node:worker_threads';

// Node's thread module is read when a thread starts: every command loads this file, few send mail.
const requireBuiltin = createRequire(import.meta.url);

/**
 * Starts a worker thread on `entry`, a module beside the caller named without its extension
 * (`new URL('./x-entry', import.meta.url)`): the compiled `.js` in a build; the `.ts` source
 * through tsx when the caller itself runs from source (the test suite), as there is no compiled
 * file beside it then.
 */
export function startWorker(entry: URL, callerUrl: string, options: WorkerOptions = {}): Worker {
  const threads = requireBuiltin('node:worker_threads') as typeof WorkerThreads;
  const fromSource = callerUrl.endsWith('.ts');
  const file = new URL(`${entry.href}${fromSource ? '.ts' : '.js'}`);
  if (!fromSource) return new threads.Worker(file, options);
  const bootstrap = new URL('../../../../scripts/worker-from-source.mjs', import.meta.url);
  return new threads.Worker(bootstrap, { ...options, argv: [file.href, ...(options.argv ?? [])] });
}
