import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { constantTimeEqual, randomBytes, xchachaOpen, xchachaSeal } from './aead.js';
import { AeadAuthError } from './crypto-errors.js';
import { BadRequestError } from '../errors.js';

const hex = (s: string): Uint8Array => hexToBytes(s.replace(/[\s:]/g, ''));

// draft-irtf-cfrg-xchacha-03, appendix A.3.1 (AEAD_XChaCha20_Poly1305 example and test vector).
const KAT = {
  plaintext: utf8ToBytes(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  ),
  aad: hex('50515253c0c1c2c3c4c5c6c7'),
  key: hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'),
  nonce: hex('404142434445464748494a4b4c4d4e4f5051525354555657'),
  ciphertext: hex(`
    bd 6d 17 9d 3e 83 d4 3b 95 76 57 94 93 c0 e9 39
    57 2a 17 00 25 2b fa cc be d2 90 2c 21 39 6c bb
    73 1c 7f 1b 0b 4a a6 44 0b f3 a8 2f 4e da 7e 39
    ae 64 c6 70 8c 54 c2 16 cb 96 b7 2e 12 13 b4 52
    2f 8c 9b a4 0d b5 d9 45 b1 1b 69 b9 82 c1 bb 9e
    3f 3f ac 2b c3 69 48 8f 76 b2 38 35 65 d3 ff f9
    21 f9 66 4c 97 63 7d a9 76 88 12 f6 15 c6 8b 13
    b5 2e`),
  tag: hex('c0:87:59:24:c1:c7:98:79:47:de:af:d8:78:0a:cf:49'),
};

describe('xchachaSeal / xchachaOpen', () => {
  it('matches the draft-irtf-cfrg-xchacha A.3.1 known-answer vector', () => {
    const sealed = xchachaSeal(KAT.key, KAT.nonce, KAT.plaintext, KAT.aad);
    expect(sealed.length).toBe(KAT.plaintext.length + 16);
    expect(sealed.subarray(0, KAT.plaintext.length)).toEqual(KAT.ciphertext);
    expect(sealed.subarray(KAT.plaintext.length)).toEqual(KAT.tag);
    const opened = xchachaOpen(KAT.key, KAT.nonce, sealed, KAT.aad);
    expect(opened).toEqual(KAT.plaintext);
  });

  it('round-trips arbitrary inputs and rejects any other AAD', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.uint8Array({ minLength: 0, maxLength: 40 }),
        (plaintext, aad) => {
          const key = randomBytes(32);
          const nonce = randomBytes(24);
          const sealed = xchachaSeal(key, nonce, plaintext, aad);
          expect(xchachaOpen(key, nonce, sealed, aad)).toEqual(plaintext);
          const otherAad = new Uint8Array([...aad, 0]);
          expect(() => xchachaOpen(key, nonce, sealed, otherAad)).toThrow(AeadAuthError);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('throws AeadAuthError on a flipped bit, a wrong key, or a short input', () => {
    const sealed = xchachaSeal(KAT.key, KAT.nonce, KAT.plaintext, KAT.aad);
    for (const i of [0, 50, sealed.length - 16, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[i] = (bad[i] ?? 0) ^ 0x01;
      expect(() => xchachaOpen(KAT.key, KAT.nonce, bad, KAT.aad)).toThrow(AeadAuthError);
    }
    expect(() => xchachaOpen(randomBytes(32), KAT.nonce, sealed, KAT.aad)).toThrow(AeadAuthError);
    expect(() => xchachaOpen(KAT.key, KAT.nonce, sealed.subarray(0, 15), KAT.aad)).toThrow(AeadAuthError);
  });

  it('rejects wrong key or nonce sizes as a programming error', () => {
    expect(() => xchachaSeal(randomBytes(16), randomBytes(24), new Uint8Array(1), new Uint8Array())).toThrow(
      BadRequestError,
    );
    expect(() => xchachaSeal(randomBytes(32), randomBytes(12), new Uint8Array(1), new Uint8Array())).toThrow(
      BadRequestError,
    );
  });
});

describe('randomBytes', () => {
  it('returns fresh plain Uint8Arrays of the requested size', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    expect(a).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(a)).toBe(false);
    expect(a.length).toBe(32);
    expect(constantTimeEqual(a, b)).toBe(false);
    expect(randomBytes(0).length).toBe(0);
    expect(randomBytes(100_000).length).toBe(100_000);
  });
});

describe('constantTimeEqual', () => {
  it('agrees with a naive comparison', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        const naive = a.length === b.length && a.every((v, i) => v === b[i]);
        expect(constantTimeEqual(a, b)).toBe(naive);
        expect(constantTimeEqual(a, a.slice())).toBe(true);
      }),
    );
  });
});
