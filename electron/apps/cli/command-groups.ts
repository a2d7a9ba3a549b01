import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';

export type RegisterCommands = (program: Command, context: () => CliContext) => void;

/** A module of commands: the top-level names it registers, and how to load it. */
export interface CommandGroup {
  readonly names: readonly string[];
  readonly load: () => Promise<RegisterCommands>;
}

/**
 * Every command module, in the order `--help` lists them. A command loads only its own module (a
 * process start is paid by every cron `tick` and every test): the S3 SDK, the runner's HTTP server
 * or the restore code are not read for `afterword status`. A name missing here only costs time:
 * an unknown first word loads every group, as `--help` does.
 */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    names: ['init', 'passwd', 'recover', 'audit', 'doctor', 'bench', 'unlock', 'lock'],
    load: async () => (await import('./commands/vault-commands.js')).registerVaultCommands,
  },
  {
    names: ['message', 'attachment', 'recipient'],
    load: async () => (await import('./commands/content-commands.js')).registerContentCommands,
  },
  {
    names: ['plan'],
    load: async () => (await import('./commands/plan-commands.js')).registerPlanCommands,
  },
  {
    names: ['owner', 'channel'],
    load: async () => (await import('./commands/channel-commands.js')).registerChannelCommands,
  },
  {
    names: ['checkin', 'pause', 'resume', 'stop', 'status', 'tick', 'run', 'test-send', 'unattended'],
    load: async () => (await import('./commands/engine-commands.js')).registerEngineCommands,
  },
  {
    names: ['serve', 'token'],
    load: async () => (await import('./commands/serve-commands.js')).registerServeCommands,
  },
  {
    names: ['mfa'],
    load: async () => (await import('./commands/mfa-commands.js')).registerMfaCommands,
  },
  {
    names: ['backup', 'restore'],
    load: async () => (await import('./commands/backup-commands.js')).registerBackupCommands,
  },
  {
    names: ['standby'],
    load: async () => (await import('./commands/standby-commands.js')).registerStandbyCommands,
  },
  {
    names: ['export'],
    load: async () => (await import('./commands/export-command.js')).registerExportCommand,
  },
];

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

/**
 * The groups a command line needs: its command's group; none for a bare `--version`; every group
 * for anything else (help, an unknown word, a name this table does not know yet).
 */
export function groupsFor(argv: readonly string[]): readonly CommandGroup[] {
  const word = commandWord(argv);
  if (word === undefined && (argv.includes('--version') || argv.includes('-V'))) return [];
  const group = word === undefined ? undefined : COMMAND_GROUPS.find((g) => g.names.includes(word));
  return group ? [group] : COMMAND_GROUPS;
}
