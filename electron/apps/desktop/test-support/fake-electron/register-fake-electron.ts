// Test helper, loaded with `node --import`: installs the resolve hook that serves the fake electron.
import { register } from 'node:module';

register('./electron-resolve-hook.js', import.meta.url);
