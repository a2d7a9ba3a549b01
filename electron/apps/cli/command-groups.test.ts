import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS, commandWord, declareCommands, groupsFor } from './command-groups.js';
import type { CliContext } from './cli-context.js';

const noContext = (): CliContext => {
  throw new Error('registering a command must not build the context');
};

describe('the CLI loads only the command group it runs', () => {
  it('each group registers exactly the top-level commands declared for it, as --help lists them', async () => {
    const seen: string[] = [];
    const help = new Help();
    for (const group of COMMAND_GROUPS) {
      const program = new Command('afterword');
      (await group.load())(program, noContext);
      const names = program.commands.map((c) => c.name());
      expect(names).toEqual(group.names);
      expect(program.commands.map((c) => ({ term: help.subcommandTerm(c), description: c.description() }))).toEqual(
        group.commands,
      );
      seen.push(...names);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('the root help from the declared table is the help of the loaded commands', async () => {
    const loaded = new Command('afterword');
    for (const group of COMMAND_GROUPS) (await group.load())(loaded, noContext);
    const declared = new Command('afterword');
    declareCommands(declared);
    expect(declared.helpInformation()).toBe(loaded.helpInformation());
    expect(declared.helpInformation()).toContain('test-send <messageId>');
  });

  it('finds the command word past global options and their values', () => {
    expect(commandWord(['--json', 'status'])).toBe('status');
    expect(commandWord(['--vault', 'message', 'plan', 'list'])).toBe('plan');
    expect(commandWord(['--vault=/tmp/v', 'message', 'list'])).toBe('message');
    expect(commandWord(['--', 'tick'])).toBe('tick');
    expect(commandWord(['--json'])).toBeUndefined();
  });

  it("loads a known command's group (also for help <command>), none for --version, help or an unknown word", () => {
    expect(groupsFor(['backup', 'now', '--json']).map((g) => g.names)).toEqual([
      expect.arrayContaining(['backup', 'restore']),
    ]);
    expect(groupsFor(['help', 'message']).map((g) => g.names)).toEqual([expect.arrayContaining(['message'])]);
    expect(groupsFor(['--json', 'help', 'tick']).map((g) => g.names)).toEqual([expect.arrayContaining(['tick'])]);
    expect(groupsFor(['--version'])).toEqual([]);
    expect(groupsFor(['-V'])).toEqual([]);
    expect(groupsFor([])).toEqual([]);
    expect(groupsFor(['--help'])).toEqual([]);
    expect(groupsFor(['help'])).toEqual([]);
    expect(groupsFor(['no-such-command'])).toEqual([]);
  });
});
