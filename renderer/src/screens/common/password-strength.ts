/**
 * A small, dependency-free password strength estimate for the meter. It is advice, not a gate:
 * the only hard rule is the minimum length (PASSWORD_MIN, the same as shared/validation.ts).
 */
export const PASSWORD_MIN = 8;

export type StrengthHint = 'tooShort' | 'longer' | 'common' | 'repeated' | 'sequence' | 'variety';

export interface Strength {
  /** 0 (too short or trivial) … 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4;
  hints: StrengthHint[];
}

const COMMON = new Set([
  'password',
  'passw0rd',
  'password1',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyui',
  'qwerty123',
  'iloveyou',
  'letmein1',
  'welcome1',
  'admin123',
  'abc12345',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'dragon12',
  'monkey12',
  'trustno1',
  'afterword',
  '11111111',
  '00000000',
  'woaini1314',
  'a1234567',
  'aa123456',
  'qwertyuiop',
  '1q2w3e4r',
  'zxcvbnm1',
  'asdfghjk',
]);

const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '0123456789', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

function hasSequence(lower: string, run = 4): boolean {
  for (const seq of SEQUENCES) {
    const both = seq + [...seq].reverse().join('');
    for (let i = 0; i + run <= lower.length; i += 1) {
      if (both.includes(lower.slice(i, i + run))) return true;
    }
  }
  return false;
}

function alphabetSize(password: string): number {
  let size = 0;
  if (/[a-z]/.test(password)) size += 26;
  if (/[A-Z]/.test(password)) size += 26;
  if (/[0-9]/.test(password)) size += 10;
  if (/[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/.test(password)) size += 33;
  if (/\s/.test(password)) size += 1;
  // Anything beyond ASCII (汉字, accents) draws from a far larger set.
  if (/[^\x20-\x7e\s]/.test(password)) size += 100;
  return Math.max(size, 1);
}

export function passwordStrength(password: string): Strength {
  const chars = [...password];
  if (chars.length < PASSWORD_MIN) return { score: 0, hints: ['tooShort'] };
  const lower = password.toLowerCase();
  const hints: StrengthHint[] = [];
  if (COMMON.has(lower) || COMMON.has(lower.replace(/[^a-z0-9]/g, ''))) return { score: 0, hints: ['common'] };

  let bits = chars.length * Math.log2(alphabetSize(password));
  const distinct = new Set(chars).size;
  if (distinct <= chars.length / 2 || /(.)\1\1/.test(password)) {
    hints.push('repeated');
    bits *= distinct / chars.length + 0.25;
  }
  if (hasSequence(lower)) {
    hints.push('sequence');
    bits *= 0.7;
  }
  if (alphabetSize(password) <= 26 && chars.length < 16) hints.push('variety');
  const score = bits < 36 ? 1 : bits < 60 ? 2 : bits < 80 ? 3 : 4;
  if (score < 4 && chars.length < 16) hints.push('longer');
  return { score, hints };
}
