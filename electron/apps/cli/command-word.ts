// Read by the launcher's password head start before the command parser loads: imports nothing.

/** Global options that take a value (the next word is not the command). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--vault']);

/** The first word of `argv` that is not a global option (or an option's value): the command. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return argv[i + 1];
    if (GLOBAL_OPTIONS_WITH_VALUE.has(word)) i++;
    else if (!word.startsWith('-')) return word;
  }
  return undefined;
}
