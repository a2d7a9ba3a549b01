import { describe, expect, it } from 'vitest';
import { matchesGroup, pickGroup, recoveryKeyGroups } from './recovery-key-groups.js';

const KEY = 'ABCDEF-GH1JK0-MNPQRS-TVWXYZ-012345-6789AB';

describe('recovery key confirmation', () => {
  it('splits the key into its six groups', () => {
    expect(recoveryKeyGroups(KEY)).toHaveLength(6);
  });
  it('accepts the group typed in any case, with stray spaces, and with I/L/O for 1/0', () => {
    expect(matchesGroup(KEY, 2, 'mnpqrs')).toBe(true);
    expect(matchesGroup(KEY, 1, ' ghIjkO ')).toBe(true);
    expect(matchesGroup(KEY, 1, 'ghljko')).toBe(true);
  });
  it('refuses another group or a typo', () => {
    expect(matchesGroup(KEY, 2, 'TVWXYZ')).toBe(false);
    expect(matchesGroup(KEY, 2, 'MNPQR')).toBe(false);
    expect(matchesGroup(KEY, 9, 'MNPQRS')).toBe(false);
  });
  it('picks a group that exists', () => {
    expect(pickGroup(KEY, () => 0)).toBe(0);
    expect(pickGroup(KEY, () => 0.9999)).toBe(5);
  });
});
