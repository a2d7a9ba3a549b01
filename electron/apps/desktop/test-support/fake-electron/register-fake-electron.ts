// Test helper, loaded with `node --import` (bundled by lifecycle-harness, or from source with
// `--import tsx` before it): installs the resolve hook that serves the fake electron.
import { register } from 'node:module';

register(
  import.meta.url.endsWith('.mjs') ? './electron-resolve-hook.mjs' : './electron-resolve-hook.ts',
  import.meta.url,
);
