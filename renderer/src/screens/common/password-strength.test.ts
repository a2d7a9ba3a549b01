import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../shared/validation.js';
import { PASSWORD_MIN, passwordStrength } from './password-strength';

describe('passwordStrength', () => {
  it('uses the same minimum as the rest of Afterword', () => {
    expect(PASSWORD_MIN).toBe(LIMITS.passwordMin);
  });
  it('calls anything under the minimum too short', () => {
    expect(passwordStrength('Ab1!xyz')).toEqual({ score: 0, hints: ['tooShort'] });
  });
  it('knows the passwords everyone tries first', () => {
    expect(passwordStrength('password').score).toBe(0);
    expect(passwordStrength('12345678').score).toBe(0);
  });
  it('marks down repeats and keyboard runs', () => {
    expect(passwordStrength('aaaaaaaaaa').score).toBeLessThanOrEqual(1);
    expect(passwordStrength('abcd1234xy').hints).toContain('sequence');
  });
  it('rates a long sentence as strong', () => {
    expect(passwordStrength('the blue kettle sings at dawn').score).toBe(4);
  });
  it('counts Chinese characters as a large alphabet', () => {
    expect(passwordStrength('我的猫咪叫小花生日快乐').score).toBeGreaterThanOrEqual(3);
  });
  it('gives a middling password hints to improve it', () => {
    const { score, hints } = passwordStrength('sunflower');
    expect(score).toBeLessThan(3);
    expect(hints).toContain('longer');
  });
});
