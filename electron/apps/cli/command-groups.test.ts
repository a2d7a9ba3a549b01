import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS, commandWord, groupsFor } from './command-groups.js';
import type { CliContext } from './cli-context.js';

const noContext = (): CliContext => {
  throw new Error('registering a command must not build the context');
};

describe('the CLI loads only the command group it runs', () => {
  it('each group registers exactly the top-level commands listed for it', async () => {
    const seen: string[] = [];
    for (const group of COMMAND_GROUPS) {
      const program = new Command('afterword');
      (await group.load())(program, noContext);
      const names = program.commands.map((c) => c.name());
      expect(names).toEqual(group.names);
      seen.push(...names);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('finds the command word past global options and their values', () => {
    expect(commandWord(['--json', 'status'])).toBe('status');
    expect(commandWord(['--vault', 'message', 'plan', 'list'])).toBe('plan');
    expect(commandWord(['--vault=/tmp/v', 'message', 'list'])).toBe('message');
    expect(commandWord(['--', 'tick'])).toBe('tick');
    expect(commandWord(['--json'])).toBeUndefined();
  });

  it('loads one group for a known command, none for --version, all for help or an unknown word', () => {
    expect(groupsFor(['backup', 'now', '--json']).map((g) => g.names)).toEqual([
      expect.arrayContaining(['backup', 'restore']),
    ]);
    expect(groupsFor(['--version'])).toEqual([]);
    expect(groupsFor(['-V'])).toEqual([]);
    expect(groupsFor([])).toBe(COMMAND_GROUPS);
    expect(groupsFor(['--help'])).toBe(COMMAND_GROUPS);
    expect(groupsFor(['help', 'message'])).toBe(COMMAND_GROUPS);
    expect(groupsFor(['no-such-command'])).toBe(COMMAND_GROUPS);
  });
});
