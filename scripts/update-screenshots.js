#!/usr/bin/env node
// `npm run screenshots`: rewrites the committed pictures in e2e/screenshots/ (README.md links
// some) by running the screens suite with AFTERWORD_UPDATE_SCREENSHOTS=1. `npm test` takes the
// same pictures into a temporary folder, so it leaves the tree as it was.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// vitest's own command line (its package exports do not expose the file by name).
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', 'e2e/screens.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, AFTERWORD_UPDATE_SCREENSHOTS: '1' },
});
process.exit(result.status ?? 1);
