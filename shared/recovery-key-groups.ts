/**
 * The recovery key as the vault shows it: groups of six symbols joined by '-'
 * (electron/core/crypto/recovery-key.ts); shared so the core checks a typed-back group the way the UI does. Typed back, it is read the same forgiving way the vault
 * reads it: case and spaces do not matter, I and L count as 1, O as 0.
 */
export function recoveryKeyGroups(key: string): string[] {
  return key.split('-').filter(Boolean);
}

export function normalizeRecoveryText(text: string): string {
  return text
    .replace(/[\s-]+/g, '')
    .toUpperCase()
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

/** Does what the person typed match group `index` (0-based)? */
export function matchesGroup(key: string, index: number, typed: string): boolean {
  const group = recoveryKeyGroups(key)[index];
  return group !== undefined && normalizeRecoveryText(typed) === normalizeRecoveryText(group);
}

/** Which group to ask for: any of them, so no one learns to copy only "the third". */
export function pickGroup(key: string, random: () => number = Math.random): number {
  const count = recoveryKeyGroups(key).length;
  return Math.min(count - 1, Math.floor(random() * count));
}
