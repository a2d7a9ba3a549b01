import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatRecoveryKey, generateRecoveryKey, parseRecoveryKey } from './recovery-key.js';
import { RecoveryKeyChecksumError, RecoveryKeyFormatError } from './crypto-errors.js';
import { AfterwordError, IntegrityError } from '../errors.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Independent reference: BigInt base32 of the entropy, then 20 bits of SHA-256 (node:crypto). */
function referenceDisplay(entropy: Uint8Array): string {
  let n = BigInt('0x' + Buffer.from(entropy).toString('hex'));
  let data = '';
  for (let i = 0; i < 32; i++) {
    data = ALPHABET[Number(n & 31n)] + data;
    n >>= 5n;
  }
  const digest = createHash('sha256').update(entropy).digest();
  let c = ((digest[0] ?? 0) << 12) | ((digest[1] ?? 0) << 4) | ((digest[2] ?? 0) >> 4);
  let check = '';
  for (let i = 0; i < 4; i++) {
    check = ALPHABET[c & 31] + check;
    c >>= 5;
  }
  return (data + check).match(/.{6}/g)?.join('-') ?? '';
}

/** Deterministic sample keys (fixed patterns plus a counter-derived one). */
const SAMPLES: Uint8Array[] = [
  new Uint8Array(20),
  new Uint8Array(20).fill(0xff),
  Uint8Array.from({ length: 20 }, (_, i) => i * 13 + 7),
  new Uint8Array(createHash('sha256').update('afterword sample key').digest().subarray(0, 20)),
];

function expectRejected(input: string): void {
  let thrown: unknown;
  try {
    parseRecoveryKey(input);
  } catch (error) {
    thrown = error;
  }
  expect(thrown instanceof RecoveryKeyChecksumError || thrown instanceof RecoveryKeyFormatError).toBe(true);
}

describe('recovery key', () => {
  it('has the documented shape and matches an independent encoder', () => {
    for (const entropy of SAMPLES) {
      const display = formatRecoveryKey(entropy);
      expect(display).toMatch(/^([0-9A-HJKMNP-TV-Z]{6}-){5}[0-9A-HJKMNP-TV-Z]{6}$/);
      expect(display.length).toBe(41);
      expect(display).toBe(referenceDisplay(entropy));
    }
    expect(formatRecoveryKey(new Uint8Array(20)).startsWith('000000-000000-000000-000000-000000-00')).toBe(true);
  });

  it('round-trips freshly generated keys', () => {
    for (let i = 0; i < 50; i++) {
      const { display, entropy } = generateRecoveryKey();
      expect(entropy.length).toBe(20);
      expect(parseRecoveryKey(display)).toEqual(entropy);
    }
  });

  it('accepts lowercase, spaces, missing or extra hyphens, and I/L/O look-alikes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (entropy) => {
        const display = formatRecoveryKey(entropy);
        const compact = display.replace(/-/g, '');
        expect(parseRecoveryKey(display.toLowerCase())).toEqual(entropy);
        expect(parseRecoveryKey(compact)).toEqual(entropy);
        expect(parseRecoveryKey(`  ${display.replace(/-/g, ' - ')}\n`)).toEqual(entropy);
        expect(parseRecoveryKey(compact.match(/.{4}/g)?.join(' ') ?? '')).toEqual(entropy);
        const lookalikes = compact.replace(/1/g, 'l').replace(/0/g, 'O');
        expect(parseRecoveryKey(lookalikes)).toEqual(entropy);
        expect(parseRecoveryKey(compact.replace(/1/g, 'I'))).toEqual(entropy);
      }),
      { numRuns: 100 },
    );
  });

  it('detects every single-symbol substitution in the sample keys (exhaustive)', () => {
    const candidates = [...ALPHABET, 'I', 'L', 'O', 'U', 'i', 'l', 'o', 'u', ...ALPHABET.toLowerCase()];
    const canonical = (c: string): string => {
      const up = c.toUpperCase();
      return up === 'I' || up === 'L' ? '1' : up === 'O' ? '0' : up;
    };
    let checked = 0;
    for (const entropy of SAMPLES) {
      const compact = formatRecoveryKey(entropy).replace(/-/g, '');
      for (let pos = 0; pos < compact.length; pos++) {
        for (const c of candidates) {
          const typed = compact.slice(0, pos) + c + compact.slice(pos + 1);
          if (canonical(c) === compact[pos]) {
            expect(parseRecoveryKey(typed)).toEqual(entropy); // same symbol, just spelled differently
          } else {
            expectRejected(typed);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(4 * 36 * 31);
  });

  it('detects single substitutions and adjacent swaps in random keys (fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.integer({ min: 0, max: 35 }),
        fc.integer({ min: 1, max: 31 }),
        (entropy, pos, delta) => {
          const compact = formatRecoveryKey(entropy).replace(/-/g, '');
          const original = ALPHABET.indexOf(compact[pos] ?? '');
          const replaced = ALPHABET[(original + delta) % 32] ?? '';
          expectRejected(compact.slice(0, pos) + replaced + compact.slice(pos + 1));
          if (pos < 35 && compact[pos] !== compact[pos + 1]) {
            const swapped = compact.slice(0, pos) + compact[pos + 1] + compact[pos] + compact.slice(pos + 2);
            expectRejected(swapped);
          }
        },
      ),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it('rejects wrong lengths and invalid characters as format errors with the right code', () => {
    const display = formatRecoveryKey(SAMPLES[2] ?? new Uint8Array(20));
    const cases = [
      '',
      display.slice(0, -1),
      display + '0',
      display.replace(/^./, 'U'),
      display.replace(/^./, '*'),
      display.replace(/^./, 'é'),
      display.replace(/^./, 'ı'), // dotless i: its upper case is I, but it is not ASCII
      display.slice(2).replace(/^/, 'ß'), // upper-cases to 'SS'
    ];
    for (const input of cases) {
      let thrown: unknown;
      try {
        parseRecoveryKey(input);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(RecoveryKeyFormatError);
      expect(thrown).toBeInstanceOf(AfterwordError);
      expect(thrown).not.toBeInstanceOf(IntegrityError);
      expect((thrown as AfterwordError).code).toBe('RECOVERY_KEY_INVALID');
      if (input.length > 0) expect((thrown as Error).message).not.toContain(display.slice(0, 6));
    }
  });

  it('reports a typo as a checksum error with the documented message', () => {
    const display = formatRecoveryKey(SAMPLES[0] ?? new Uint8Array(20));
    try {
      parseRecoveryKey('1' + display.slice(1));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RecoveryKeyChecksumError);
      expect((error as AfterwordError).code).toBe('RECOVERY_KEY_INVALID');
      expect((error as Error).message).toBe('the recovery key has a typo: check each group');
    }
  });
});
