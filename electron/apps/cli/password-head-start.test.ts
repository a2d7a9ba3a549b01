import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordHeadStartPending, passwordKek } from '../../core/vault/password-head-start.js';
import { startPasswordHeadStart, startPasswordHeadStartFor } from './password-head-start.js';
import { wantsPasswordHeadStart } from './password-head-start-wanted.js';
import { CliVault, TempDirs, describeResult, parseJsonStdout } from './test-support/run-cli.js';

// The vaults here use the real floor cost (logN 15), at which the CLI starts the password's KDF
// before the command loads; test vaults made at a weaker cost get no head start.
const temp = new TempDirs();
let vault: CliVault;
let other: CliVault;

beforeAll(async () => {
  vault = await CliVault.create(temp, 'head-start');
  other = await CliVault.create(temp, 'head-start-other');
  other.password = 'another long password';
  await vault.init();
  await other.init();
});
afterAll(() => temp.cleanup());

describe('which commands begin the KDF early', () => {
  const env = { AFTERWORD_PASSWORD: 'x' };
  it.each([
    ['status', ['status', '--json'], env, true],
    ['a message command', ['message', 'list'], env, true],
    ['tick (the password wins over the device key when it is set)', ['tick'], env, true],
    ['no password in the environment', ['status'], {}, false],
    ['a session (it is used instead of the password)', ['status'], { ...env, AFTERWORD_SESSION: 's' }, false],
    ['--help', ['status', '--help'], env, false],
    ['init (no vault yet)', ['init'], env, false],
    ['recover (the recovery key)', ['recover'], env, false],
    ['serve (a long-running process)', ['serve'], env, false],
  ] as const)('%s: %s', (_, argv, environment, expected) => {
    expect(wantsPasswordHeadStart(argv[0], argv, environment)).toBe(expected);
  });
});

describe('the head start in one process', () => {
  it('begins once: the launcher and the command share it, and the unwrap takes it', async () => {
    const env = { AFTERWORD_VAULT: vault.dir, AFTERWORD_PASSWORD: vault.password };
    expect(startPasswordHeadStartFor(['status', '--help'], env)).toBeNull();
    expect(passwordHeadStartPending()).toBe(false);
    const launcher = startPasswordHeadStartFor(['status'], env);
    expect(launcher).not.toBeNull();
    expect(startPasswordHeadStart(['status'], env)).toBe(launcher);
    expect(launcher!.unused()).toBe(true);
    // Whatever salt the vault has, an unwrap with another one derives its own and ends the head start.
    await passwordKek(vault.password, '00'.repeat(32), { logN: 10, r: 8, p: 1 });
    expect(launcher!.unused()).toBe(false);
  });
});

describe('a command with the KDF begun early', () => {
  it('signs in with the right password and refuses a wrong one (exit 2)', async ({ expect }) => {
    const ok = await vault.run(['status', '--json']);
    expect(ok.code, describeResult(ok)).toBe(0);
    expect(parseJsonStdout<{ plans: unknown[] }>(ok).plans.length).toBeGreaterThan(0);

    const wrong = await vault.run(['status', '--json'], { AFTERWORD_PASSWORD: 'not the password at all' });
    expect(wrong.code, describeResult(wrong)).toBe(2);
    expect(parseJsonStdout<{ error: { code: string } }>(wrong).error.code).toBe('WRONG_PASSWORD');
  });

  it('--vault names the vault whose salt is read: another vault opens with its own password', async ({ expect }) => {
    const result = await vault.run(['--vault', other.dir, 'message', 'list', '--json'], {
      AFTERWORD_PASSWORD: other.password,
    });
    expect(result.code, describeResult(result)).toBe(0);
    const refused = await vault.run(['--vault', other.dir, 'message', 'list', '--json']);
    expect(refused.code, describeResult(refused)).toBe(2);
  });

  it('a command that fails before signing in ends with its own error, the KDF left unused', async ({ expect }) => {
    const result = await vault.run(['plan', 'show']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr).toMatch(/missing required argument 'id'/);
  });
});
