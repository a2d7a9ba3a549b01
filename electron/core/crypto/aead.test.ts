import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  constantTimeEqual,
  defaultXChaCha,
  hchacha20,
  nobleXChaCha,
  nodeXChaCha,
  randomBytes,
  SELF_TEST_SEALED,
  xchachaOpen,
  xchachaSeal,
  type XChaChaCipher,
} from './aead.js';
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

const PATHS: readonly XChaChaCipher[] = [nodeXChaCha, nobleXChaCha];

const bytes = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });

/** The same bytes at byte offset `at` of a larger buffer (envelope nonces sit at offset 10). */
function misaligned(b: Uint8Array, at: number): Uint8Array {
  const host = new Uint8Array(at + b.length + 3).fill(0xee);
  host.set(b, at);
  return host.subarray(at, at + b.length);
}

describe('hchacha20', () => {
  it('matches the draft-irtf-cfrg-xchacha section 2.2.1 test vector', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const nonce = hex('000000090000004a0000000031415927');
    expect(hchacha20(key, nonce)).toEqual(hex('82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc'));
    expect(hchacha20(misaligned(key, 3), misaligned(nonce, 10))).toEqual(hchacha20(key, nonce));
  });
});

describe('xchachaSeal / xchachaOpen', () => {
  it('matches the draft-irtf-cfrg-xchacha A.3.1 known-answer vector', () => {
    const sealed = xchachaSeal(KAT.key, KAT.nonce, KAT.plaintext, KAT.aad);
    expect(sealed.length).toBe(KAT.plaintext.length + 16);
    expect(sealed.subarray(0, KAT.plaintext.length)).toEqual(KAT.ciphertext);
    expect(sealed.subarray(KAT.plaintext.length)).toEqual(KAT.tag);
    const opened = xchachaOpen(KAT.key, KAT.nonce, sealed, KAT.aad);
    expect(opened).toEqual(KAT.plaintext);
  });

  it('uses the node:crypto path on this Node build', () => {
    expect(defaultXChaCha()).toBe(nodeXChaCha);
  });

  it("checks the node:crypto path against noble's own answer (the self-test's written bytes)", () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
    const nonce = Uint8Array.from({ length: 24 }, (_, i) => 0x40 + i);
    const plaintext = Uint8Array.from({ length: 32 }, (_, i) => i);
    const aad = Uint8Array.from({ length: 12 }, (_, i) => 0x50 + i);
    expect(nobleXChaCha.seal(key, nonce, plaintext, aad)).toEqual(hex(SELF_TEST_SEALED));
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

describe('native (HChaCha20 + node:crypto) and noble XChaCha20-Poly1305 paths', () => {
  it('both match the draft-irtf-cfrg-xchacha A.3.1 known-answer vector', () => {
    for (const path of PATHS) {
      const sealed = path.seal(KAT.key, KAT.nonce, KAT.plaintext, KAT.aad);
      expect(sealed.subarray(0, KAT.plaintext.length), path.name).toEqual(KAT.ciphertext);
      expect(sealed.subarray(KAT.plaintext.length), path.name).toEqual(KAT.tag);
      expect(path.open(KAT.key, KAT.nonce, sealed, KAT.aad), path.name).toEqual(KAT.plaintext);
    }
  });

  it('produce byte-identical output and open each other (random keys, nonces, plaintexts, AAD)', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(24),
        fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 2100 })),
        fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 120 })),
        fc.nat(7),
        (key, nonce, plaintext, aad, at) => {
          const native = nodeXChaCha.seal(key, nonce, plaintext, aad);
          const noble = nobleXChaCha.seal(key, nonce, plaintext, aad);
          expect(native).toBeInstanceOf(Uint8Array);
          expect(Buffer.isBuffer(native)).toBe(false);
          expect(native.length).toBe(plaintext.length + 16);
          expect(native).toEqual(noble);
          expect(nobleXChaCha.open(key, nonce, native, aad)).toEqual(plaintext);
          expect(nodeXChaCha.open(key, nonce, noble, aad)).toEqual(plaintext);
          // Inputs at arbitrary byte offsets (as when sliced out of an envelope) give the same bytes.
          const [k, n, p, a] = [key, nonce, plaintext, aad].map((b) => misaligned(b, at)) as [
            Uint8Array,
            Uint8Array,
            Uint8Array,
            Uint8Array,
          ];
          expect(nodeXChaCha.seal(k, n, p, a)).toEqual(noble);
          expect(nodeXChaCha.open(k, n, misaligned(noble, at), a)).toEqual(plaintext);
          // Neither path touches its inputs.
          expect(k).toEqual(key);
          expect(n).toEqual(nonce);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agree on empty plaintext with empty AAD and on a 64 KiB value', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(24);
    for (const [plaintext, aad] of [
      [new Uint8Array(0), new Uint8Array(0)],
      [new Uint8Array(0), randomBytes(50)],
      [randomBytes(65_537), new Uint8Array(0)],
    ] as const) {
      const native = nodeXChaCha.seal(key, nonce, plaintext, aad);
      expect(native).toEqual(nobleXChaCha.seal(key, nonce, plaintext, aad));
      for (const path of PATHS) expect(path.open(key, nonce, native, aad)).toEqual(plaintext);
    }
  });

  it('both throw AeadAuthError on any modified byte, other AAD, key or nonce, or a short input', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(24),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (key, nonce, plaintext, aad, at, xor) => {
          const sealed = nobleXChaCha.seal(key, nonce, plaintext, aad);
          const bad = sealed.slice();
          const i = at % bad.length;
          bad[i] = (bad[i] ?? 0) ^ xor;
          const otherKey = key.slice();
          otherKey[at % 32] = (otherKey[at % 32] ?? 0) ^ xor;
          const otherNonce = nonce.slice();
          otherNonce[at % 24] = (otherNonce[at % 24] ?? 0) ^ xor;
          for (const path of PATHS) {
            expect(() => path.open(key, nonce, bad, aad), path.name).toThrow(AeadAuthError);
            expect(() => path.open(key, nonce, sealed, new Uint8Array([...aad, 0])), path.name).toThrow(AeadAuthError);
            expect(() => path.open(otherKey, nonce, sealed, aad), path.name).toThrow(AeadAuthError);
            expect(() => path.open(key, otherNonce, sealed, aad), path.name).toThrow(AeadAuthError);
            expect(() => path.open(key, nonce, sealed.subarray(0, at % 16), aad), path.name).toThrow(AeadAuthError);
            expect(() => path.open(key, nonce, sealed.subarray(1), aad), path.name).toThrow(AeadAuthError);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('both reject wrong key and nonce sizes with BadRequestError', () => {
    for (const path of PATHS) {
      expect(() => path.seal(new Uint8Array(31), new Uint8Array(24), new Uint8Array(), new Uint8Array())).toThrow(
        BadRequestError,
      );
      expect(() => path.seal(new Uint8Array(32), new Uint8Array(12), new Uint8Array(), new Uint8Array())).toThrow(
        BadRequestError,
      );
      expect(() => path.open(new Uint8Array(32), new Uint8Array(23), new Uint8Array(16), new Uint8Array())).toThrow(
        BadRequestError,
      );
    }
  });
});

describe('fallback when node:crypto has no chacha20-poly1305 (e.g. a BoringSSL build)', () => {
  afterEach(() => {
    vi.doUnmock('node:crypto');
    vi.resetModules();
  });

  it('xchachaSeal/xchachaOpen use noble and still match the A.3.1 vector', async () => {
    vi.resetModules();
    vi.doMock('node:crypto', async (importOriginal) => ({
      ...(await importOriginal<typeof import('node:crypto')>()),
      getCiphers: () => [],
    }));
    const fresh = await import('./aead.js');
    const freshErrors = await import('./crypto-errors.js'); // the class instance the fresh module throws
    expect(fresh.defaultXChaCha()).toBe(fresh.nobleXChaCha);
    const sealed = fresh.xchachaSeal(KAT.key, KAT.nonce, KAT.plaintext, KAT.aad);
    expect(sealed).toEqual(new Uint8Array([...KAT.ciphertext, ...KAT.tag]));
    expect(fresh.xchachaOpen(KAT.key, KAT.nonce, sealed, KAT.aad)).toEqual(KAT.plaintext);
    sealed[0] = (sealed[0] ?? 0) ^ 1;
    expect(() => fresh.xchachaOpen(KAT.key, KAT.nonce, sealed, KAT.aad)).toThrow(freshErrors.AeadAuthError);
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
