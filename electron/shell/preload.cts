// Preload for the sandboxed window. It exposes functions derived from the shared/ contract (a later
// issue) and never `ipcRenderer` itself (docs/style.md §4). For now: a frozen `{ version }` only.
//
// This file is .cts on purpose: a sandboxed preload cannot be an ES module (Electron's ESM support
// matrix), and the package is "type": "module", so a .ts preload would compile to ESM and fail to
// load. It compiles to preload.cjs, and with verbatimModuleSyntax a CommonJS file must use
// `import = require`.
import electron = require('electron');

const VERSION_ARG = '--afterword-version=';

// main.ts passes the app version through webPreferences.additionalArguments.
const version = process.argv.find((arg) => arg.startsWith(VERSION_ARG))?.slice(VERSION_ARG.length) ?? 'unknown';

electron.contextBridge.exposeInMainWorld('afterword', Object.freeze({ version }));
