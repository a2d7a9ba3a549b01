// Rewrites the generated block of electron/apps/desktop/preload.cts from the contract:
//   npx tsx electron/apps/desktop/tooling/generate-preload-manifest.ts          (write)
//   npx tsx electron/apps/desktop/tooling/generate-preload-manifest.ts --check  (exit 1 if it drifted)
// preload.test.ts runs the same check on every test run.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { extractPreloadManifest, renderPreloadManifest, replacePreloadManifest } from '../preload-manifest.js';

const PRELOAD = fileURLToPath(new URL('../preload.cts', import.meta.url));

const source = await readFile(PRELOAD, 'utf8');
const block = renderPreloadManifest();
if (extractPreloadManifest(source) === block) {
  process.stdout.write('preload.cts is up to date with the contract\n');
} else if (process.argv.includes('--check')) {
  process.stderr.write(
    'preload.cts has drifted from the contract: run npx tsx electron/apps/desktop/tooling/generate-preload-manifest.ts\n',
  );
  process.exitCode = 1;
} else {
  await writeFile(PRELOAD, replacePreloadManifest(source, block));
  process.stdout.write('preload.cts regenerated from the contract\n');
}
