// Titles, names and file names are printed for people; control characters in them must not reach
// the terminal raw (JSON output keeps them exactly).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeControl } from './output.js';
import { CliVault, TempDirs, assertCliBuilt, describeResult } from './test-support/run-cli.js';

const temp = new TempDirs();
beforeAll(() => assertCliBuilt());
afterAll(() => temp.cleanup());

const HOSTILE_TITLE = 'Bills\u001b]0;pwned\u0007\u001b[2J\rOK';
const HOSTILE_NAME = 'Ana\u009b31m Lima';
const HOSTILE_FILE = 'photo\u001b[8m.jpg';

describe('escapeControl', () => {
  it('shows ESC, BEL, CR, DEL and C1 controls as \\xNN and keeps text, tabs and newlines', () => {
    expect(escapeControl(HOSTILE_TITLE)).toBe('Bills\\x1b]0;pwned\\x07\\x1b[2J\\x0dOK');
    expect(escapeControl(`a\tb\nc\u007f\u0085 名字`)).toBe('a\tb\nc\\x7f\\x85 名字');
  });
});

it(
  'the CLI prints hostile titles, names and file names escaped, and exact in --json',
  { timeout: 120_000 },
  async () => {
    const v = await CliVault.create(temp, 'escapes');
    await v.init();
    const file = join(v.root, HOSTILE_FILE);
    await writeFile(file, 'x');
    const { id: recipientId } = await v.json<{ id: string }>([
      'recipient',
      'add',
      '--name',
      HOSTILE_NAME,
      '--email',
      'ana@example.org',
    ]);
    const { id } = await v.json<{ id: string }>([
      'message',
      'add',
      '--title',
      HOSTILE_TITLE,
      '--body',
      'b',
      '--attach',
      file,
      '--to',
      recipientId,
    ]);

    const outputs = await Promise.all([
      v.run(['message', 'list']),
      v.run(['message', 'show', id]),
      v.run(['recipient', 'list']),
    ]);
    for (const result of outputs) {
      expect(result.code, describeResult(result)).toBe(0);
      expect([...result.stdout].filter((c) => '\u001b\u0007\r\u009b'.includes(c))).toEqual([]);
    }
    expect(outputs[0]!.stdout).toContain('Bills\\x1b]0;pwned\\x07');
    expect(outputs[1]!.stdout).toContain('photo\\x1b[8m.jpg');
    expect(outputs[2]!.stdout).toContain('Ana\\x9b31m Lima');

    const shown = await v.json<{ title: string; attachments: Array<{ name: string }> }>(['message', 'show', id]);
    expect(shown.title).toBe(HOSTILE_TITLE);
    expect(shown.attachments[0]!.name).toBe(HOSTILE_FILE);
  },
);
