import { Help, type Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { commandWord } from './command-word.js';

export type RegisterCommands = (program: Command, context: () => CliContext) => void;

/** A command as the root `--help` lists it: its term (name, `[options]`, arguments) and description. */
export interface DeclaredCommand {
  readonly term: string;
  readonly description: string;
}

/** A module of commands: what it registers (declared here, so that help loads none), and how to load it. */
export interface CommandGroup {
  readonly commands: readonly DeclaredCommand[];
  readonly names: readonly string[];
  readonly load: () => Promise<RegisterCommands>;
}

function group(
  load: () => Promise<RegisterCommands>,
  ...commands: [term: string, description: string][]
): CommandGroup {
  return {
    commands: commands.map(([term, description]) => ({ term, description })),
    names: commands.map(([term]) => term.split(' ')[0]!),
    load,
  };
}

/**
 * Every command module, in the order `--help` lists them, with its top-level commands as the root
 * `--help` shows them (a test checks them against what each module registers). A command loads
 * only its own module (a process start is paid by every cron `tick` and every test): the S3 SDK,
 * the runner's HTTP server or the restore code are not read for `afterword status`, and `--help`
 * or an unknown word reads none.
 */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  group(
    async () => (await import('./commands/vault-commands.js')).registerVaultCommands,
    ['init [options]', 'create a vault with the default warning plan; prints the recovery key once'],
    ['passwd', 'change the password (AFTERWORD_PASSWORD = current, AFTERWORD_NEW_PASSWORD = new)'],
    ['recover [options]', 'set a new password using the recovery key (new password from AFTERWORD_NEW_PASSWORD)'],
    ['audit', 'the tamper-evident activity log'],
    ['doctor', 'check the database and every blob; exit 3 when anything is wrong'],
    ['bench [options]', 'run the benchmarks (also `npm run bench`)'],
    [
      'unlock [options]',
      'begin a terminal session: prints export AFTERWORD_SESSION=… (use eval "$(afterword unlock)"); commands then need no password until it ends',
    ],
    ['lock', "end this vault's terminal sessions on this computer (their stored copies of the key are deleted)"],
  ),
  group(
    async () => (await import('./commands/content-commands.js')).registerContentCommands,
    ['message', 'write, read and manage messages'],
    ['attachment', 'attachments of a message'],
    ['recipient', 'the address book'],
  ),
  group(
    async () => (await import('./commands/plan-commands.js')).registerPlanCommands,
    ['plan', 'warning plans: check-in interval and five warning levels'],
  ),
  group(
    async () => (await import('./commands/channel-commands.js')).registerChannelCommands,
    ['owner', 'you, the owner'],
    ['channel', 'how warnings and messages leave this machine'],
  ),
  group(
    async () => (await import('./commands/engine-commands.js')).registerEngineCommands,
    ['checkin', "I'm here: every plan starts its interval again"],
    ['pause [options]', 'pause every plan until a date (vacation)'],
    ['resume', 'resume paused or stopped plans'],
    ['stop [options]', 'emergency stop: nothing is warned or delivered until resume (needs the recovery key)'],
    ['status', 'per plan: state, level, next action and when; outbox; last tick'],
    ['test-send <messageId>', 'deliver this message to yourself (the owner) only'],
    ['unattended', 'deliver after a restart without the password (device key in the OS key store)'],
  ),
  group(
    async () => (await import('./commands/scheduler-commands.js')).registerSchedulerCommands,
    ['tick', 'one scheduler pass and outbox drain, then exit (run it from system cron)'],
    ['run [options]', 'keep running: tick every minute and send what is due (Ctrl-C or SIGTERM stops cleanly)'],
  ),
  group(
    async () => (await import('./commands/serve-commands.js')).registerServeCommands,
    [
      'serve [options]',
      'run headless: the web UI and API over HTTP, and the scheduler on the vault (SIGTERM stops cleanly)',
    ],
    ['token', 'bearer tokens for the runner: checkin (only "I\'m here") and monitor (status and metrics)'],
  ),
  group(
    async () => (await import('./commands/mfa-commands.js')).registerMfaCommands,
    ['mfa', "two-step sign-in: a code from an authenticator app besides the password, for the runner's web sign-in"],
  ),
  group(
    async () => (await import('./commands/backup-commands.js')).registerBackupCommands,
    ['backup', 'encrypted backups of the vault to an S3-compatible bucket (AWS, MinIO, R2, B2)'],
    [
      'restore [options]',
      'restore a vault from its backups into a new directory (--vault DIR), with the password or --recovery-key',
    ],
  ),
  group(
    async () => (await import('./commands/standby-commands.js')).registerStandbyCommands,
    ['standby', 'standby machines that follow the backup bucket and take over only when this one goes silent'],
  ),
  group(
    async () => (await import('./commands/export-command.js')).registerExportCommand,
    [
      'export [options]',
      'everything readable (messages, recipients, attachments, plans) as a tar encrypted for the stock age tool',
    ],
  ),
];

/**
 * The group a command line runs: its command's group (for `help <command>`, that command's). None
 * for `--version`, help, an unknown word or no command at all: the declared table answers those
 * (see declareCommands), so the root `--help` reads no command module.
 */
export function groupsFor(argv: readonly string[]): readonly CommandGroup[] {
  let word = commandWord(argv);
  if (word === 'help') word = commandWord(argv.slice(argv.indexOf('help') + 1));
  const found = word === undefined ? undefined : COMMAND_GROUPS.find((g) => g.names.includes(word));
  return found ? [found] : [];
}

/**
 * The root's commands from the declared table, without their modules: what `afterword --help`
 * lists and commander's "unknown command" suggests. They are never run: a known command word
 * loads its group instead (groupsFor).
 */
export function declareCommands(program: Command): void {
  const terms = new Map<Command, string>();
  for (const { commands } of COMMAND_GROUPS)
    for (const { term, description } of commands) {
      terms.set(program.command(term.split(' ')[0]!).description(description), term);
    }
  program.configureHelp({
    subcommandTerm(cmd: Command): string {
      return terms.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
}
