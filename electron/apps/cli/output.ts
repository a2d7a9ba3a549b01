// C0 controls but tab and newline, DEL, and the C1 controls (0x9b starts a CSI sequence too).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Titles, names and file names come from people (or from whoever sent them a file): printed raw,
 * an ESC sequence could recolour, move the cursor or retitle the terminal, and a CR could hide
 * the start of a line. Human output shows each control character as \xNN; JSON stays exact.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Where a command's result goes: one JSON document with --json, human text otherwise. */
export class Output {
  constructor(readonly json: boolean) {}

  result(data: unknown, human: () => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${escapeControl(human())}\n`);
  }

  /** Progress or hints for people; never on stdout in --json mode. */
  note(text: string): void {
    process.stderr.write(`${escapeControl(text)}\n`);
  }
}

export function table(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  return rows
    .map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  '))
    .join('\n');
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
