// The runner's and the CLI's device key in the OS key store, under a real Secret Service: each
// command runs in its own D-Bus session with gnome-keyring-daemon unlocked (password "pw"), and the
// keyring itself lives in the test's HOME, so a later session finds what an earlier one stored.
// Without a D-Bus session the 0600 file is used, with the warning.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI_BIN,
  REPO_ROOT,
  CliVault,
  TempDirs,
  cleanEnv,
  describeResult,
  parseJsonStdout,
  type CliResult,
  type EnvOverrides,
} from './test-support/run-cli.js';

const hasSessionTools =
  spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'], { encoding: 'utf8' })
    .status === 0;
if (!hasSessionTools) {
  process.stdout.write(
    'keyring.test.ts: skipped: dbus-run-session or gnome-keyring-daemon is missing (apt-get install dbus gnome-keyring)\n',
  );
}

const UNLOCK_KEYRING = 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$0" "$@"';
const KEYRING = 'keyring:secret-service';
const NO_BUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/afterword-test-bus' };

interface KeyStoreJson {
  enabled: boolean;
  backend: string | null;
  keyStore: { backend: string; where: string; fallbackReason: string | null };
}

const temp = new TempDirs();
afterAll(() => temp.cleanup());

/** The vault's environment with the OS key store allowed, HOME (and so the keyring files) private. */
function keyringEnv(v: CliVault, extra: EnvOverrides = {}): EnvOverrides {
  return {
    ...v.env(),
    AFTERWORD_KEY_STORE: undefined,
    HOME: v.root,
    XDG_DATA_HOME: undefined,
    XDG_RUNTIME_DIR: undefined,
    ...extra,
  };
}

function collect(command: string, args: string[], env: EnvOverrides): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** `afterword ...args` inside a fresh D-Bus session whose Secret Service is gnome-keyring, unlocked. */
function inKeyringSession(v: CliVault, args: string[], extra: EnvOverrides = {}): Promise<CliResult> {
  return collect('dbus-run-session', ['--', 'sh', '-c', UNLOCK_KEYRING, process.execPath, CLI_BIN, ...args], {
    DBUS_SESSION_BUS_ADDRESS: undefined,
    ...keyringEnv(v, extra),
  });
}

/** `afterword ...args` where no session bus can be reached. */
function withoutSession(v: CliVault, args: string[], extra: EnvOverrides = {}): Promise<CliResult> {
  return collect(process.execPath, [CLI_BIN, ...args], keyringEnv(v, { ...NO_BUS, ...extra }));
}

/** The accounts stored under the service "Afterword" in the test's keyring, read in a session of its own. */
async function keyringAccounts(v: CliVault): Promise<string[]> {
  const script = `import('@napi-rs/keyring').then(async (k) => console.log(JSON.stringify((await k.findCredentialsAsync('Afterword')).map((c) => c.account))))`;
  const listed = await collect('dbus-run-session', ['--', 'sh', '-c', UNLOCK_KEYRING, process.execPath, '-e', script], {
    DBUS_SESSION_BUS_ADDRESS: undefined,
    ...keyringEnv(v),
  });
  expect(listed.code, describeResult(listed)).toBe(0);
  return JSON.parse(listed.stdout) as string[];
}

function json<T>(result: CliResult): T {
  expect(result.code, describeResult(result)).toBe(0);
  return parseJsonStdout<T>(result);
}

/** Device-key files in the key folder (the high-water marks beside them are plain files by design). */
async function deviceKeyFiles(v: CliVault): Promise<string[]> {
  if (!existsSync(v.keyDir)) return [];
  return (await readdir(v.keyDir)).filter((name) => name.endsWith('.key') && !name.endsWith('-mark.key'));
}

// Each step starts a D-Bus session and a keyring daemon beside the CLI: generous under a loaded CI.
const SLOW = { timeout: 180_000 };

describe.skipIf(!hasSessionTools)(
  'the device key in the Secret Service (gnome-keyring, private D-Bus session)',
  SLOW,
  () => {
    let v: CliVault;
    beforeAll(async () => {
      v = await CliVault.create(temp, 'keyring');
    });

    it('init --unattended stores it in the keyring, not in a file; tick then runs without the password', async () => {
      const created = await inKeyringSession(v, ['init', '--unattended', '--json']);
      json(created);
      expect(created.stderr).not.toMatch(/full-disk encryption/);
      expect(await deviceKeyFiles(v)).toEqual([]);
      expect(await keyringAccounts(v)).toEqual([expect.stringMatching(/^vault-/)]);

      const status = json<KeyStoreJson>(
        await inKeyringSession(v, ['unattended', 'status', '--json'], { AFTERWORD_PASSWORD: undefined }),
      );
      expect(status).toMatchObject({
        enabled: true,
        backend: KEYRING,
        keyStore: { backend: KEYRING, fallbackReason: null },
      });

      // A new session (a new gnome-keyring-daemon) reads it from the keyring file in HOME.
      const ticked = await inKeyringSession(v, ['tick', '--json'], { AFTERWORD_PASSWORD: undefined });
      expect(ticked.code, describeResult(ticked)).toBe(0);
      expect(await deviceKeyFiles(v)).toEqual([]);
    });

    it('a process that cannot reach the keyring says so and what to do, instead of finding no key', async () => {
      const ticked = await withoutSession(v, ['tick'], { AFTERWORD_PASSWORD: undefined });
      expect(ticked.code, describeResult(ticked)).toBe(1);
      expect(ticked.stderr).toMatch(
        /the device key is in the OS key store \(keyring:secret-service\), which this process cannot use/,
      );
      expect(ticked.stderr).toMatch(/set AFTERWORD_PASSWORD/);
    });

    it('unattended disable removes it from the keyring', async () => {
      json(await inKeyringSession(v, ['unattended', 'disable', '--json']));
      const status = json<KeyStoreJson>(
        await inKeyringSession(v, ['unattended', 'status', '--json'], { AFTERWORD_PASSWORD: undefined }),
      );
      expect(status.enabled).toBe(false);
      expect(await keyringAccounts(v)).toEqual([]);
    });
  },
);

describe.skipIf(!hasSessionTools)('without a D-Bus session, then with one', SLOW, () => {
  let v: CliVault;
  beforeAll(async () => {
    v = await CliVault.create(temp, 'keyfile');
  });

  it('falls back to the 0600 file with the warning, and says which store is used', async () => {
    const created = await withoutSession(v, ['init', '--unattended', '--json']);
    json(created);
    expect(created.stderr).toMatch(
      /warning: the device key is kept in a file only your user can read: .*full-disk encryption/,
    );
    const files = await deviceKeyFiles(v);
    expect(files).toHaveLength(1);
    expect((await stat(join(v.keyDir, files[0]!))).mode & 0o077).toBe(0);

    const status = await withoutSession(v, ['unattended', 'status'], { AFTERWORD_PASSWORD: undefined });
    expect(status.code, describeResult(status)).toBe(0);
    expect(status.stdout).toMatch(/^on \(file\)$/m);
    expect(status.stdout).toContain(`Device keys on this machine go to ${v.keyDir} (no OS key store:`);
    expect(status.stdout).toMatch(/Warning: the device key is kept in a file/);
  });

  it('keeps the key in the file when a keyring appears (no silent move: cron and reboots keep working); enable moves it on purpose', async () => {
    const ticked = await inKeyringSession(v, ['tick', '--json'], { AFTERWORD_PASSWORD: undefined });
    expect(ticked.code, describeResult(ticked)).toBe(0);
    expect(await deviceKeyFiles(v)).toHaveLength(1);
    expect(await keyringAccounts(v)).toEqual([]);
    const cron = await withoutSession(v, ['tick', '--json'], { AFTERWORD_PASSWORD: undefined });
    expect(cron.code, describeResult(cron)).toBe(0);
    const enabled = await inKeyringSession(v, ['unattended', 'enable', '--json']);
    expect(enabled.code, describeResult(enabled)).toBe(0);
    expect(await deviceKeyFiles(v)).toEqual([]);
    expect(await keyringAccounts(v)).toEqual([expect.stringMatching(/^vault-/)]);
    const status = json<KeyStoreJson>(
      await inKeyringSession(v, ['unattended', 'status', '--json'], { AFTERWORD_PASSWORD: undefined }),
    );
    expect(status).toMatchObject({ enabled: true, backend: KEYRING });
  });

  it('AFTERWORD_KEY_STORE=keyring refuses the file when there is no key store', async () => {
    const refused = await withoutSession(v, ['unattended', 'status'], {
      AFTERWORD_KEY_STORE: 'keyring',
      AFTERWORD_PASSWORD: undefined,
    });
    expect(refused.code, describeResult(refused)).toBe(1);
    expect(refused.stderr).toMatch(/AFTERWORD_KEY_STORE=keyring, but/);
  });
});
