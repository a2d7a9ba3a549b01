// Where things are, and whether this machine can run the browser suite at all.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe } from 'vitest';
import { assertCliBuilt, REPO_ROOT } from '../../electron/apps/cli/test-support/run-cli.js';

export { REPO_ROOT };

/** Debian's Chromium: `npx playwright install` cannot download browsers here. */
export const CHROMIUM = '/usr/bin/chromium';
export const CLI_ENTRY = join(REPO_ROOT, 'dist', 'electron', 'apps', 'cli', 'main.js');
export const RENDERER_DIR = join(REPO_ROOT, 'dist', 'renderer');
/**
 * The committed pictures (README.md links some) are rewritten only on request
 * (`npm run screenshots`): random ids show in them, so every run would leave a developer's tree
 * modified. Otherwise the pictures are still taken, into a temporary folder.
 */
export const SCREENSHOT_DIR =
  process.env.AFTERWORD_UPDATE_SCREENSHOTS === '1'
    ? join(REPO_ROOT, 'e2e', 'screenshots')
    : join(tmpdir(), 'afterword-e2e-screenshots');

/** Why the suite cannot run here, or null. Printed once per file, then the suites are skipped. */
export const skipReason: string | null = existsSync(CHROMIUM)
  ? null
  : `e2e: skipped, ${CHROMIUM} is missing (install it with: apt-get install -y chromium fonts-noto-cjk)`;

if (skipReason) console.warn(skipReason);

/** `describe`, skipped (with the reason printed above) where there is no Chromium. */
export const describeE2E = describe.skipIf(skipReason !== null);

/** The suite drives the compiled CLI and the built UI: say how to build them rather than test the past. */
export function assertBuilt(): void {
  assertCliBuilt();
  const index = join(RENDERER_DIR, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`the UI is not built (${relative(REPO_ROOT, index)} is missing): run npm run build first`);
  }
}
