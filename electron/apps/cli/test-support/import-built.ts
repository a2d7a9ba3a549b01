// Test helper for child scripts that run from source (bundled by testScript, as the build holds
// no test code) but must drive the product as it ships: loads the compiled module from dist/electron/
// instead of its source. Call assertCliBuilt (or a test that does) first, so dist/ is up to date.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './run-cli.js';

/** The compiled `dist/electron/<sourceUnderElectron as .js>`, typed as its source module `T`. */
export async function importBuilt<T>(sourceUnderElectron: string): Promise<T> {
  const built = join(REPO_ROOT, 'dist', 'electron', sourceUnderElectron.replace(/\.ts$/, '.js'));
  return (await import(pathToFileURL(built).href)) as T;
}
