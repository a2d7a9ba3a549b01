import { Command, CommanderError } from 'commander';
import { classifyStorageError } from '../../core/storage-errors.js';
import { APP_VERSION } from '../../core/app-version.js';
import type { CliContext, GlobalOptions } from './cli-context.js';
import { declareCommands, groupsFor } from './command-groups.js';
import { commandWord } from './command-word.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { wantsPasswordHeadStart } from './password-head-start-wanted.js';
import { escapeControl } from './output.js';
import { exitAfterOutput, exitWhenIdle } from './process-exit.js';

/** The program with the commands `argv` needs (see groupsFor), each module loaded on demand. */
async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('afterword')
    .description("Afterword: a local-first, encrypted dead man's switch for your messages")
    .version(APP_VERSION)
    .option('--vault <dir>', 'the vault directory (default: AFTERWORD_VAULT or the user-data directory)')
    .option('--json', 'machine-readable output on stdout')
    .option('--debug', 'print stack traces on errors')
    .option(
      '--accept-older-vault',
      'open a vault older than the one this machine last saw (you restored an older copy on purpose)',
    )
    // Usage errors are reported by main(), in the same one-line (and --json) form as every other error.
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  const groups = groupsFor(argv);
  if (groups.length === 0) {
    declareCommands(program);
    return program;
  }
  const [{ CliContext: Context }, ...registrars] = await Promise.all([
    import('./cli-context.js'),
    ...groups.map((group) => group.load()),
  ]);
  let cached: CliContext | undefined;
  const context = (): CliContext => (cached ??= new Context(program.opts<GlobalOptions>(), process.env));
  for (const register of registrars) register(program, context);
  program.commands.forEach(function exitOverrideAll(cmd: Command): void {
    cmd.exitOverride();
    cmd.commands.forEach(exitOverrideAll);
  });
  return program;
}

/** SQLite's own words for a file that is not a database or is damaged. */
export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const debug = argv.includes('--debug');
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return EXIT.ok;
    let code: number;
    let wireCode: string;
    let message: string;
    const known = error instanceof CommanderError ? null : classifyStorageError(error);
    if (error instanceof CommanderError) {
      code = EXIT.usage;
      wireCode = 'BAD_REQUEST';
      message =
        error.code === 'commander.help'
          ? 'a subcommand is needed: see the list above'
          : `${error.message.replace(/^error: /, '')} (run with --help for usage)`;
    } else if (known) {
      code = exitCodeFor(known.code);
      wireCode = known.code;
      message = known.message;
    } else {
      code = EXIT.usage;
      wireCode = 'INTERNAL';
      message = `unexpected error: ${(error as Error)?.message ?? String(error)} (run with --debug for details)`;
    }
    process.stderr.write(`afterword: ${escapeControl(message)}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: wireCode, message } })}\n`);
    return code;
  }
}

const argv = process.argv.slice(2);
// The password's KDF, begun before the command loads (password-head-start.ts). Its module and
// better-sqlite3 load only when it can be used.
const headStart = wantsPasswordHeadStart(commandWord(argv), argv, process.env)
  ? import('./password-head-start.js').then((module) => module.startPasswordHeadStart(argv, process.env))
  : null;

// No top-level await: the bundle runs this file as CommonJS (with a compile cache, bin/afterword.js).
void main(argv).then(async (code) => {
  process.exitCode = code;
  // A head start nobody took (the command failed before signing in) would keep the process alive
  // until its scrypt ends: exit once the output is out.
  if ((await headStart)?.unused()) exitAfterOutput(code);
  else exitWhenIdle();
});
