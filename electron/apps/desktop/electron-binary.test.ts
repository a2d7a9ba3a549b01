// Launches the real Electron binary where it exists. On machines without it (the binary is
// downloaded lazily from GitHub, which ours cannot reach) the test is skipped with the reason.
// The lookup mirrors scripts/start.js: node_modules/electron/path.txt names the executable inside
// dist/ — without require('electron'), which from plain Node would try to download it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

function findElectronBinary(): { binary: string; version: string } | null {
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null; // the package is not installed at all
  }
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override) return null;
  const binary = override ? join(override, relative || 'electron') : join(pkgDir, 'dist', relative);
  return existsSync(binary) ? { binary, version } : null;
}

const electron = findElectronBinary();
if (!electron) {
  // eslint-disable-next-line no-console -- the reason for the skip belongs in the test output
  console.warn('Electron binary not available on this machine: the Electron launch and app tests are skipped');
}

describe('Electron binary', () => {
  it.skipIf(!electron)('starts and reports the installed version', () => {
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE; // would make the binary behave as plain Node
    const result = spawnSync(electron!.binary, ['--version'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(`v${electron!.version}`);
  });
});

const shellMain = join(
  dirname(require.resolve('../../../package.json')),
  'dist',
  'electron',
  'apps',
  'desktop',
  'main.js',
);

describe('Electron app (Playwright _electron)', () => {
  it.skipIf(!electron)(
    'opens a hardened window on the app:// origin with the contract bridge and no Node',
    async () => {
      const { _electron } = await import('playwright-core');
      const vault = await mkdtemp(join(tmpdir(), 'afterword-electron-'));
      const app = await _electron.launch({
        executablePath: electron!.binary,
        args: [shellMain],
        env: { ...process.env, AFTERWORD_VAULT: join(vault, 'vault'), ELECTRON_RUN_AS_NODE: '' },
      });
      try {
        const window = await app.firstWindow();
        expect(window.url()).toMatch(/^app:\/\/app\//);
        const bridge = await window.evaluate(() => {
          const w = window as unknown as { afterword?: Record<string, unknown>; require?: unknown; process?: unknown };
          return { keys: Object.keys(w.afterword ?? {}).sort(), require: typeof w.require, process: typeof w.process };
        });
        expect(bridge).toEqual({ keys: ['call', 'subscribe', 'version'], require: 'undefined', process: 'undefined' });
        const status = await window.evaluate(() =>
          (window as unknown as { afterword: { call(m: string, i: unknown): Promise<unknown> } }).afterword.call(
            'vault.status',
            {},
          ),
        );
        expect(status).toMatchObject({ ok: true, data: { exists: false } });
      } finally {
        await app.close();
        await rm(vault, { recursive: true, force: true });
      }
    },
  );
});
