// Runs a worker thread's TypeScript entry from source (tests, `node --import tsx` scripts): a
// build runs the compiled .js entry directly and never comes here. See electron/core/delivery/mail-thread/start-worker.ts.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
