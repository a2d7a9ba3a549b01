import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  DEFAULT_SCRYPT,
  SCRYPT_FLOOR,
  assertScryptParamsAcceptable,
  scryptDerive,
  scryptDeriveSync,
  scryptMaxmem,
  type ScryptParams,
} from './kdf.js';
import { hkdfSha256 } from './hkdf.js';
import { WeakKdfParamsError } from './crypto-errors.js';
import { BadRequestError, IntegrityError } from '../errors.js';

// RFC 7914 section 12.
const RFC7914 = [
  {
    password: '',
    salt: '',
    params: { logN: 4, r: 1, p: 1 },
    hex: '77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906',
  },
  {
    password: 'password',
    salt: 'NaCl',
    params: { logN: 10, r: 8, p: 16 },
    hex: 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
  },
  {
    password: 'pleaseletmein',
    salt: 'SodiumChloride',
    params: { logN: 14, r: 8, p: 1 },
    hex: '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887',
  },
] as const;

describe('scryptDerive', () => {
  for (const v of RFC7914) {
    it(`matches RFC 7914 for "${v.password}"/"${v.salt}" logN=${v.params.logN}`, async () => {
      const derived = await scryptDerive(v.password, utf8ToBytes(v.salt), v.params, 64);
      expect(bytesToHex(derived)).toBe(v.hex);
      expect(derived).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(derived)).toBe(false);
    });
  }

  it('gives the same answer synchronously and for bytes or string secrets', () => {
    const v = RFC7914[1];
    expect(bytesToHex(scryptDeriveSync(utf8ToBytes(v.password), utf8ToBytes(v.salt), v.params, 64))).toBe(v.hex);
  });

  it('agrees with @noble/hashes scrypt', async () => {
    const v = RFC7914[0];
    const noble = nobleScrypt(v.password, v.salt, { N: 16, r: 1, p: 1, dkLen: 64 });
    expect(bytesToHex(noble)).toBe(v.hex);
    const secret = hexToBytes('00ff10e29cb2');
    const salt = hexToBytes('a1a2a3a4a5a6a7a8a9aaabacadaeafb0');
    const params: ScryptParams = { logN: 10, r: 8, p: 1 };
    expect(await scryptDerive(secret, salt, params)).toEqual(
      nobleScrypt(secret, salt, { N: 1024, r: 8, p: 1, dkLen: 32 }),
    );
  });

  it('runs with the default parameters (needs a maxmem above the 32 MiB default)', async () => {
    expect(scryptMaxmem(DEFAULT_SCRYPT)).toBeGreaterThan(128 * 2 ** 17 * 8);
    const key = await scryptDerive('correct horse battery staple', new Uint8Array(16), DEFAULT_SCRYPT);
    expect(key.length).toBe(32);
  });

  it('rejects malformed parameters as a bad request', async () => {
    await expect(scryptDerive('x', new Uint8Array(16), { logN: 0, r: 8, p: 1 })).rejects.toThrow(BadRequestError);
    await expect(scryptDerive('x', new Uint8Array(16), { logN: 4.5, r: 8, p: 1 })).rejects.toThrow(BadRequestError);
    expect(() => scryptDeriveSync('x', new Uint8Array(16), { logN: 4, r: 0, p: 1 })).toThrow(BadRequestError);
    expect(() => scryptDeriveSync('x', new Uint8Array(16), { logN: 4, r: 1, p: 1 }, 0)).toThrow(BadRequestError);
  });
});

describe('assertScryptParamsAcceptable', () => {
  it('accepts the default and the floor', () => {
    expect(() => assertScryptParamsAcceptable(DEFAULT_SCRYPT)).not.toThrow();
    expect(() => assertScryptParamsAcceptable(SCRYPT_FLOOR)).not.toThrow();
    expect(() => assertScryptParamsAcceptable({ logN: 22, r: 8, p: 1 })).not.toThrow();
  });

  it.each([
    { logN: 14, r: 8, p: 1 },
    { logN: 17, r: 7, p: 1 },
    { logN: 17, r: 8, p: 0 },
    { logN: 23, r: 8, p: 1 },
    { logN: 17.5, r: 8, p: 1 },
    { logN: 17, r: 1000, p: 1 },
    { logN: 17, r: 8, p: 1000 },
  ])('rejects %o as possible tampering', (params) => {
    let thrown: unknown;
    try {
      assertScryptParamsAcceptable(params);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WeakKdfParamsError);
    expect(thrown).toBeInstanceOf(IntegrityError);
    expect((thrown as Error).message).toMatch(/tampered/);
  });

  it('uses the documented message below the floor', () => {
    expect(() => assertScryptParamsAcceptable({ logN: 10, r: 8, p: 1 })).toThrow(
      'KDF parameters below the safety floor; the vault may have been tampered with',
    );
  });
});

describe('hkdfSha256', () => {
  it("agrees with noble's HKDF (an implementation of its own), empty key and salt and long info included", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 32 }),
        fc.oneof(fc.string({ maxLength: 30 }), fc.string({ minLength: 1000, maxLength: 1100 })),
        fc.integer({ min: 1, max: 96 }),
        (ikm, salt, info, length) => {
          const expected = nobleHkdf(sha256, ikm, salt, utf8ToBytes(info), length);
          expect(hkdfSha256(ikm, salt, info, length)).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
    expect(hkdfSha256(new Uint8Array(32), new Uint8Array(32), 'x').length).toBe(32);
  });

  it('derives what it derived before (the audit, session and wrap keys of existing vaults depend on it)', () => {
    const ikm = new Uint8Array(32).fill(7);
    const salt = utf8ToBytes('vault-id');
    expect(bytesToHex(hkdfSha256(ikm, salt, 'afterword/audit/v1'))).toBe(
      'ca42080c56f10120acec7a03b7e4f12c06b2751551c1e73394ae75b95068cb4c',
    );
    // 1,200 bytes of info: beyond what node:crypto takes.
    expect(bytesToHex(hkdfSha256(ikm, salt, 'é'.repeat(600), 16))).toBe('924fc9ed4abc350cd43577ccc2c8e2ff');
  });

  it('separates contexts by info', () => {
    const ikm = new Uint8Array(32).fill(7);
    const salt = new Uint8Array(32);
    expect(hkdfSha256(ikm, salt, 'a')).not.toEqual(hkdfSha256(ikm, salt, 'b'));
  });
});
