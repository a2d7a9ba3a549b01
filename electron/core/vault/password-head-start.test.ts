import { describe, expect, it } from 'vitest';
import { scryptDerive, type ScryptParams } from '../crypto/kdf.js';
import { passwordHeadStartPending, passwordKek, startPasswordKek } from './password-head-start.js';

const COST: ScryptParams = { logN: 10, r: 8, p: 1 };
const SALT = 'a1'.repeat(32);
const OTHER_SALT = 'b2'.repeat(32);
const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

describe('a password KDF begun early', () => {
  it('is taken by the unwrap with the same password, salt and cost, once', async () => {
    const started = startPasswordKek('correct horse', SALT, COST);
    expect(passwordHeadStartPending()).toBe(true);
    const taken = passwordKek('correct horse', SALT, COST);
    expect(taken).toBe(started);
    expect(passwordHeadStartPending()).toBe(false);
    expect(await taken).toEqual(await scryptDerive('correct horse', bytes(SALT), COST));
    // Taken once: the next unwrap derives its own (a different promise, the same key).
    const again = passwordKek('correct horse', SALT, COST);
    expect(again).not.toBe(taken);
    expect(await again).toEqual(await taken);
  });

  it('a newer head start replaces the one before it', () => {
    const older = startPasswordKek('correct horse', SALT, COST);
    const newer = startPasswordKek('correct horse', SALT, COST);
    const taken = passwordKek('correct horse', SALT, COST);
    expect(taken).toBe(newer);
    expect(taken).not.toBe(older);
  });

  it.each([
    ['another password', 'Tr0ub4dor&3', SALT, COST],
    ['another salt', 'correct horse', OTHER_SALT, COST],
    ['another cost', 'correct horse', SALT, { logN: 11, r: 8, p: 1 }],
  ] as const)('is not used for %s: the unwrap derives with what it was given', async (_, password, salt, cost) => {
    const started = startPasswordKek('correct horse', SALT, COST);
    const asked = passwordKek(password, salt, cost);
    expect(asked).not.toBe(started);
    const kek = await asked;
    expect(kek).toEqual(await scryptDerive(password, bytes(salt), cost));
    expect(kek).not.toEqual(await scryptDerive('correct horse', bytes(SALT), COST));
    expect(passwordHeadStartPending()).toBe(false);
  });

  it('compares passwords as the unwrap does (Unicode NFC)', async () => {
    const started = startPasswordKek('cafe\u0301', SALT, COST);
    const taken = passwordKek('caf\u00e9', SALT, COST);
    expect(taken).toBe(started);
    expect(await taken).toEqual(await scryptDerive('caf\u00e9', bytes(SALT), COST));
  });
});
