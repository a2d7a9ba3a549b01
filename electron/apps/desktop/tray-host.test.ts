import { describe, expect, it } from 'vitest';
import { trayVisible, type CommandRunner } from './tray-host.js';

const answering =
  (answers: Record<string, string | Error>): CommandRunner =>
  async (file) => {
    const answer = answers[file] ?? new Error(`spawn ${file} ENOENT`);
    if (answer instanceof Error) throw answer;
    return answer;
  };

describe('trayVisible', () => {
  it('macOS and Windows always have a tray', async () => {
    expect(await trayVisible('darwin', {}, answering({}))).toBe(true);
    expect(await trayVisible('win32', {}, answering({}))).toBe(true);
  });

  it('Linux: a StatusNotifier watcher on the session bus means a tray (gdbus, else dbus-send)', async () => {
    expect(await trayVisible('linux', {}, answering({ gdbus: '(true,)\n' }))).toBe(true);
    expect(await trayVisible('linux', {}, answering({ gdbus: '(false,)\n' }))).toBe(false);
    expect(await trayVisible('linux', {}, answering({ 'dbus-send': 'method return time=1\n   boolean true\n' }))).toBe(
      true,
    );
    expect(await trayVisible('linux', {}, answering({ 'dbus-send': 'method return time=1\n   boolean false\n' }))).toBe(
      false,
    );
  });

  it('Linux without a way to ask: no tray (the safe answer)', async () => {
    expect(await trayVisible('linux', {}, answering({}))).toBe(false);
  });

  it('AFTERWORD_TRAY overrides the guess', async () => {
    expect(await trayVisible('linux', { AFTERWORD_TRAY: 'on' }, answering({}))).toBe(true);
    expect(await trayVisible('darwin', { AFTERWORD_TRAY: 'off' }, answering({}))).toBe(false);
  });
});
