// The test-only KDF knob (AFTERWORD_ALLOW_WEAK_KDF=1): vaults below the scrypt floor can be made
// and opened only with it; without it such a vault is refused as tampered with, and the low cost
// itself is refused. Black-box, through the built CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliVault, TempDirs, WEAK_TEST_KDF_ENV, assertCliBuilt, describeResult } from './test-support/run-cli.js';

const temp = new TempDirs();
beforeAll(() => assertCliBuilt());
afterAll(() => temp.cleanup());

const WARNING = /warning: weak test KDF allowed \(AFTERWORD_ALLOW_WEAK_KDF=1\).*never do this for real/;

describe('the weak test KDF', () => {
  it('is refused without the knob, says so loudly with it, and its vaults open nowhere else', async () => {
    const v = await CliVault.create(temp, 'weak-kdf');
    const refused = await v.run(['init'], { AFTERWORD_SCRYPT_LOGN: WEAK_TEST_KDF_ENV.AFTERWORD_SCRYPT_LOGN });
    expect(refused.code, describeResult(refused)).toBe(1);
    expect(refused.stderr).toMatch(/AFTERWORD_SCRYPT_LOGN must be an integer from 15 to 20/);

    const made = await v.run(['init', '--json'], WEAK_TEST_KDF_ENV);
    expect(made.code, describeResult(made)).toBe(0);
    expect(made.stderr).toMatch(WARNING);
    const listed = await v.run(['message', 'list', '--json'], WEAK_TEST_KDF_ENV);
    expect(listed.code, describeResult(listed)).toBe(0);
    expect(listed.stderr).toMatch(WARNING);

    const elsewhere = await v.run(['message', 'list', '--json']);
    expect(elsewhere.code, describeResult(elsewhere)).toBe(3);
    expect(elsewhere.stderr).toMatch(/KDF parameters below the safety floor; the vault may have been tampered with/);
    expect(elsewhere.stderr).not.toMatch(WARNING);

    // A new password is wrapped at the real floor even with the knob: a real vault is never weakened.
    const rewrapped = await v.run(['passwd', '--json'], {
      ...WEAK_TEST_KDF_ENV,
      AFTERWORD_NEW_PASSWORD: 'another long passphrase 42',
    });
    expect(rewrapped.code, describeResult(rewrapped)).toBe(1);
    expect(rewrapped.stderr).toMatch(
      /a new password is wrapped at scrypt cost 15 or more: unset AFTERWORD_SCRYPT_LOGN/,
    );
  });
});
