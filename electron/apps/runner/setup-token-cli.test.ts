// The compiled `afterword serve` on a path without a vault prints a one-time setup link (as
// Jupyter does); only that link's token creates the vault over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI_BIN,
  CliVault,
  REPO_ROOT,
  TempDirs,
  assertCliBuilt,
  cleanEnv,
  type EnvOverrides,
} from '../cli/test-support/run-cli.js';
import { HttpClient } from './test-support/http-client.js';

const temp = new TempDirs();
const children = new Set<ChildProcess>();

beforeAll(() => assertCliBuilt());
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await temp.cleanup();
});

/** Starts serve and resolves with its stdout once `until` matches it. */
function serve(
  vault: CliVault,
  args: string[],
  until: RegExp,
  env: EnvOverrides = {},
): Promise<{ stdout: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI_BIN, 'serve', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    env: cleanEnv(vault.env(env)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`serve printed no match within 20 s:\n${stdout}\n${stderr}`)),
      20_000,
    );
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (until.test(stdout)) {
        clearTimeout(timer);
        resolve({ stdout, child });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  children.delete(child);
}

describe('afterword serve without a vault', () => {
  it('prints a setup link; vault.create needs its token', { timeout: 60_000 }, async () => {
    const vault = await CliVault.create(temp, 'setup-link');
    const { stdout, child } = await serve(vault, [], /http:\/\/127\.0\.0\.1:\d+\/\?setup=[\w-]+/);
    try {
      const link = new URL(/http:\/\/127\.0\.0\.1:\d+\/\?setup=[\w-]+/.exec(stdout)![0]);
      const token = link.searchParams.get('setup')!;
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
      const base = `${link.origin}/`;
      const stranger = new HttpClient(base);
      expect((await stranger.rpc('vault.create', { password: vault.password })).reply).toMatchObject({
        ok: false,
        code: 'SETUP_TOKEN_REQUIRED',
      });
      expect(
        (await stranger.rpc('vault.create', { password: vault.password, setupToken: `${token}x` })).reply,
      ).toMatchObject({ ok: false, code: 'SETUP_TOKEN_REQUIRED' });
      const owner = new HttpClient(base);
      const { recoveryKey } = await owner.data<{ recoveryKey: string }>('vault.create', {
        password: vault.password,
        setupToken: token,
      });
      expect(recoveryKey).toMatch(/\w/);
      expect((await owner.data<{ exists: boolean; unlocked: boolean }>('vault.status')).unlocked).toBe(true);
    } finally {
      await stop(child);
    }
    // With a vault, no setup link is printed.
    const again = await serve(vault, ['--json'], /\}\s*$/);
    try {
      expect(JSON.parse(again.stdout)).toMatchObject({ setupToken: null, setupUrl: null });
    } finally {
      await stop(again.child);
    }
  });

  it(
    'takes the token from AFTERWORD_SETUP_TOKEN or --setup-token for scripted setups',
    { timeout: 60_000 },
    async () => {
      const vault = await CliVault.create(temp, 'setup-env');
      const chosen = 'scripted-setup-token-0123456789';
      const { stdout, child } = await serve(vault, ['--json'], /\}\s*$/, { AFTERWORD_SETUP_TOKEN: chosen });
      try {
        const printed = JSON.parse(stdout) as { url: string; setupToken: string; setupUrl: string };
        expect(printed.setupToken).toBe(chosen);
        expect(printed.setupUrl).toBe(`${printed.url}?setup=${chosen}`);
        await new HttpClient(printed.url).data('vault.create', { password: vault.password, setupToken: chosen });
      } finally {
        await stop(child);
      }
      const short = await vault.run(['serve', '--port', '0', '--setup-token', 'short']);
      expect(short.code).toBe(1);
      expect(short.stderr).toMatch(/--setup-token must be 22 to 200/);
    },
  );
});
