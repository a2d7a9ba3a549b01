// `afterword mfa enable | status | disable` as a user runs them: the compiled CLI against a fresh
// vault. Two-step sign-in guards the runner's web sign-in; the CLI itself keeps needing the
// password only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliVault, TempDirs, assertCliBuilt, describeResult, parseJsonStdout } from './test-support/run-cli.js';

const temp = new TempDirs();
beforeAll(() => assertCliBuilt());
afterAll(() => temp.cleanup());

interface Status {
  enabled: boolean;
  recoveryCodesLeft: number;
}

describe('afterword mfa', { timeout: 120_000 }, () => {
  it('enable prints secret, otpauth URI and recovery codes; status and disable report it; the CLI still unlocks with the password', async () => {
    const v = await CliVault.create(temp, 'mfa');
    await v.init();
    expect(await v.json<Status>(['mfa', 'status'])).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });

    const enabled = await v.json<{ secret: string; uri: string; recoveryCodes: string[] }>(['mfa', 'enable']);
    expect(Object.keys(enabled).sort()).toEqual(['recoveryCodes', 'secret', 'uri']);
    expect(enabled.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enabled.uri).toMatch(/^otpauth:\/\/totp\/Afterword:/);
    expect(new URL(enabled.uri).searchParams.get('issuer')).toBe('Afterword');
    expect(new URL(enabled.uri).searchParams.get('secret')).toBe(enabled.secret);
    expect(enabled.recoveryCodes).toHaveLength(10);
    expect(new Set(enabled.recoveryCodes).size).toBe(10);

    expect(await v.json<Status>(['mfa', 'status'])).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    const human = await v.run(['mfa', 'status']);
    expect(human.code, describeResult(human)).toBe(0);
    expect(human.stdout).toMatch(/on.*10/s);

    // Enabling again keeps the secret the authenticator app has: refused, and it says how to replace it.
    const again = await v.run(['mfa', 'enable', '--json']);
    expect(again.code, describeResult(again)).toBe(1);
    expect(parseJsonStdout<{ error: { code: string; message: string } }>(again).error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already on.*mfa disable/),
    });

    // The machine's own front door: the password alone (no code) opens the vault.
    expect(await v.messageCount()).toBeGreaterThanOrEqual(0);
    const wrong = await v.run(['mfa', 'status', '--json'], { AFTERWORD_PASSWORD: 'not the password' });
    expect(wrong.code, describeResult(wrong)).toBe(2);

    expect(await v.json<Status>(['mfa', 'disable'])).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect(await v.json<Status>(['mfa', 'status'])).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    const off = await v.run(['mfa', 'disable']);
    expect(off.code, describeResult(off)).toBe(0);
    expect(off.stdout).toMatch(/already off/);

    const audit = await v.run(['audit', 'verify', '--json']);
    expect(audit.code, describeResult(audit)).toBe(0);
  });
});
