import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { defaultChunkCipher, nobleChunkCipher, nodeChunkCipher, type ChunkCipher } from './chunk-cipher.js';
import { AeadAuthError } from './crypto-errors.js';
import { BadRequestError } from '../errors.js';

const CIPHERS: readonly ChunkCipher[] = [nodeChunkCipher, nobleChunkCipher];

const bytes = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });

describe('chunk ciphers', () => {
  it('matches the RFC 8439 section 2.8.2 AEAD example', () => {
    const key = hexToBytes('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hexToBytes('070000004041424344454647');
    const aad = hexToBytes('50515253c0c1c2c3c4c5c6c7');
    const plaintext = utf8ToBytes(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const tag = hexToBytes('1ae10b594f09e26a7e902ecbd0600691');
    const ctPrefix = hexToBytes('d31a8d34648e60db7b86afbc53ef7ec2');
    for (const cipher of CIPHERS) {
      const sealed = cipher.seal(key, nonce, plaintext, aad);
      expect(sealed.subarray(0, 16)).toEqual(ctPrefix);
      expect(sealed.subarray(sealed.length - 16)).toEqual(tag);
    }
  });

  it('node and noble produce identical bytes and open each other', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(12),
        fc.uint8Array({ maxLength: 2000 }),
        fc.uint8Array({ maxLength: 64 }),
        (key, nonce, plaintext, aad) => {
          const a = nodeChunkCipher.seal(key, nonce, plaintext, aad);
          const b = nobleChunkCipher.seal(key, nonce, plaintext, aad);
          expect(a).toEqual(b);
          expect(a.length).toBe(plaintext.length + 16);
          expect(nobleChunkCipher.open(key, nonce, a, aad)).toEqual(plaintext);
          expect(nodeChunkCipher.open(key, nonce, b, aad)).toEqual(plaintext);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('both throw AeadAuthError on any flipped byte, other AAD, or a short input', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(12),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (key, nonce, plaintext, at, xor) => {
          const sealed = nodeChunkCipher.seal(key, nonce, plaintext, new Uint8Array([1]));
          const bad = sealed.slice();
          const i = at % bad.length;
          bad[i] = (bad[i] ?? 0) ^ xor;
          for (const cipher of CIPHERS) {
            expect(() => cipher.open(key, nonce, bad, new Uint8Array([1]))).toThrow(AeadAuthError);
            expect(() => cipher.open(key, nonce, sealed, new Uint8Array([2]))).toThrow(AeadAuthError);
            expect(() => cipher.open(key, nonce, sealed.subarray(0, 15), new Uint8Array([1]))).toThrow(AeadAuthError);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('both reject wrong key and nonce sizes', () => {
    for (const cipher of CIPHERS) {
      expect(() => cipher.seal(new Uint8Array(31), new Uint8Array(12), new Uint8Array(), new Uint8Array())).toThrow(
        BadRequestError,
      );
      expect(() => cipher.open(new Uint8Array(32), new Uint8Array(24), new Uint8Array(16), new Uint8Array())).toThrow(
        BadRequestError,
      );
    }
  });

  it('defaults to node when OpenSSL provides chacha20-poly1305', () => {
    expect(defaultChunkCipher()).toBe(nodeChunkCipher);
  });
});
