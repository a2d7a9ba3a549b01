// Test helper, loaded with `node --import tsx --import` (it runs from source): installs the resolve hook that serves the fake electron.
import { register } from 'node:module';

register('./electron-resolve-hook.ts', import.meta.url);
