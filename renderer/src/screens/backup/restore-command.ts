import type { StoredTarget } from './target-form';

/** A word as a POSIX shell reads it: bare when it is plain, else in single quotes. */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./~-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command that restores this vault from its bucket on another computer (into a new folder). */
export function restoreCommand(target: StoredTarget, vaultDir = '~/afterword-restored'): string {
  const words = ['afterword', 'restore', '--endpoint', target.endpoint, '--bucket', target.bucket];
  words.push('--prefix', target.prefix);
  if (target.region !== 'us-east-1') words.push('--region', target.region);
  if (target.pathStyle) words.push('--path-style');
  // The certificate itself is not in the bucket: the new machine needs a copy of the same file.
  if (target.customCa) words.push('--ca-file', 'ca.pem');
  return `${words.map(shellWord).join(' ')} --vault ${vaultDir}`;
}
