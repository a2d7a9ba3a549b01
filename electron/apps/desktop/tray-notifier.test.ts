import { describe, expect, it } from 'vitest';
import type { DesktopPrompt, Notifier } from '../../core/ports/notifier.js';
import { memoryLogger } from './test-support/memory-logger.js';
import type { TrayMenuItem } from './tray-menu.js';
import {
  notificationButtonsWork,
  TrayNotifier,
  TrayPresenter,
  type NotificationFactory,
  type NotificationHandlers,
  type NotificationSpec,
  type TrayView,
} from './tray-notifier.js';

const NOW = Date.UTC(2025, 2, 1, 9);

function fakeTray() {
  const calls: { level: number[]; tooltip: string[]; menus: TrayMenuItem[][] } = { level: [], tooltip: [], menus: [] };
  const view: TrayView = {
    setLevel: (l) => void calls.level.push(l),
    setTooltip: (t) => void calls.tooltip.push(t),
    setMenu: (m) => void calls.menus.push(m),
  };
  return { view, calls };
}

function fakeNotifications(supported = true) {
  const made: { spec: NotificationSpec; handlers: NotificationHandlers; shown: boolean; closed: boolean }[] = [];
  const factory: NotificationFactory = {
    isSupported: () => supported,
    create(spec, handlers) {
      const entry = { spec, handlers, shown: false, closed: false };
      made.push(entry);
      return {
        show: () => void (entry.shown = true),
        close: () => {
          entry.closed = true;
          handlers.onClose();
        },
      };
    },
  };
  return { factory, made };
}

const prompt = (level: number): DesktopPrompt => ({
  kind: 'warning',
  planId: 'pln_1',
  level,
  title: 'Are you there?',
  body: `Warning ${level} of 5`,
});

function setup(options: { supported?: boolean; inner?: Notifier; actionButtons?: boolean } = {}) {
  const tray = fakeTray();
  const presenter = new TrayPresenter(tray.view, () => NOW);
  presenter.show({
    vaultExists: true,
    uiUnlocked: false,
    watching: true,
    notWatchingReason: null,
    level: 0,
    nextEvent: null,
    problems: 0,
  });
  const notes = fakeNotifications(options.supported ?? true);
  const recorded: DesktopPrompt[] = [];
  const events: string[] = [];
  const log = memoryLogger();
  const notifier = new TrayNotifier({
    inner: options.inner ?? { notify: async (p) => void recorded.push(p) },
    notifications: notes.factory,
    tray: presenter,
    onImHere: async () => void events.push('im-here'),
    onOpen: () => void events.push('open'),
    actionButtons: options.actionButtons ?? true,
    offerCheckIn: (p) => void events.push(`offer:${p.kind}`),
    log,
  });
  return { tray, presenter, notes, recorded, events, log, notifier };
}

describe('TrayNotifier', () => {
  it('records the prompt, raises the tray level, shows a notification with "I\'m here"', async () => {
    const s = setup();
    await s.notifier.notify(prompt(2));
    expect(s.recorded).toEqual([prompt(2)]);
    expect(s.tray.calls.level.at(-1)).toBe(2);
    expect(s.tray.calls.tooltip.at(-1)).toContain('Warning 2 of 5');
    expect(s.notes.made).toHaveLength(1);
    expect(s.notes.made[0]!.spec).toEqual({
      title: 'Are you there?',
      body: 'Warning 2 of 5',
      actionLabel: "I'm here",
      urgency: 'normal',
    });
    expect(s.notes.made[0]!.shown).toBe(true);
  });

  it('the action checks in and closes the notification; a click only opens the window', async () => {
    const s = setup();
    await s.notifier.notify(prompt(1));
    const n = s.notes.made[0]!;
    n.handlers.onClick();
    expect(s.events).toEqual(['open']);
    n.handlers.onAction();
    await Promise.resolve();
    expect(s.events).toEqual(['open', 'im-here']);
    expect(n.closed).toBe(true);
  });

  it('where notification buttons do not work (Linux, unsigned macOS), a click offers the check-in; a notice still opens', async () => {
    const s = setup({ actionButtons: false });
    await s.notifier.notify(prompt(1));
    expect(s.notes.made[0]!.spec.actionLabel).toBeNull(); // no button that would do nothing
    s.notes.made[0]!.handlers.onClick();
    await s.notifier.notify({ kind: 'test', planId: null, level: 0, title: 'Afterword test', body: 'A test' });
    s.notes.made[1]!.handlers.onClick();
    await s.notifier.notify({ kind: 'notice', planId: 'pln_1', level: 5, title: 'Delivery failed', body: 'for good' });
    s.notes.made[2]!.handlers.onClick();
    expect(s.events).toEqual(['offer:warning', 'offer:test', 'open']);
  });

  it('notification buttons work on Windows and packaged macOS only', () => {
    expect(notificationButtonsWork('win32', false)).toBe(true);
    expect(notificationButtonsWork('darwin', true)).toBe(true);
    expect(notificationButtonsWork('darwin', false)).toBe(false);
    expect(notificationButtonsWork('linux', true)).toBe(false);
  });

  it('replaces the previous notification, and is critical from level 3', async () => {
    const s = setup();
    await s.notifier.notify(prompt(1));
    await s.notifier.notify(prompt(3));
    expect(s.notes.made[0]!.closed).toBe(true);
    expect(s.notes.made[1]!.spec.urgency).toBe('critical');
    expect(s.notes.made[1]!.closed).toBe(false);
  });

  it('never lowers the level shown', async () => {
    const s = setup();
    await s.notifier.notify(prompt(4));
    await s.notifier.notify(prompt(2));
    expect(s.presenter.current.level).toBe(4);
  });

  it('a test offers "I\'m here" without raising the tray; a notice asks nothing and raises nothing', async () => {
    const s = setup();
    await s.notifier.notify({ kind: 'test', planId: null, level: 0, title: 'Afterword test', body: 'A test' });
    await s.notifier.notify({ kind: 'notice', planId: 'pln_1', level: 5, title: 'Delivery failed', body: 'for good' });
    expect(s.recorded.map((p) => p.kind)).toEqual(['test', 'notice']);
    expect(s.presenter.current.level).toBe(0);
    expect(s.notes.made.map((n) => n.spec)).toEqual([
      { title: 'Afterword test', body: 'A test', actionLabel: "I'm here", urgency: 'normal' },
      { title: 'Delivery failed', body: 'for good', actionLabel: null, urgency: 'normal' },
    ]);
  });

  it('when recording fails, it throws (the outbox retries) and shows nothing', async () => {
    const s = setup({ inner: { notify: async () => Promise.reject(new Error('disk full')) } });
    await expect(s.notifier.notify(prompt(1))).rejects.toThrow('disk full');
    expect(s.notes.made).toHaveLength(0);
    expect(s.presenter.current.level).toBe(0);
  });

  it('without native notifications, it still records and updates the tray', async () => {
    const s = setup({ supported: false });
    await s.notifier.notify(prompt(1));
    expect(s.recorded).toHaveLength(1);
    expect(s.presenter.current.level).toBe(1);
    expect(s.notes.made).toHaveLength(0);
  });

  it('a native failure after recording is logged, not thrown', async () => {
    const s = setup();
    s.notes.factory.create = () => {
      throw new Error('no D-Bus');
    };
    await expect(s.notifier.notify(prompt(1))).resolves.toBeUndefined();
    expect(s.log.lines.some((l) => l.level === 'warn' && l.fields?.error === 'no D-Bus')).toBe(true);
  });

  it('a failing check-in from the notification is logged', async () => {
    const s = setup();
    const notifier = new TrayNotifier({
      inner: { notify: async () => {} },
      notifications: s.notes.factory,
      tray: s.presenter,
      onImHere: () => Promise.reject(new Error('vault locked')),
      onOpen: () => {},
      actionButtons: true,
      offerCheckIn: () => {},
      log: s.log,
    });
    await notifier.notify(prompt(1));
    s.notes.made[0]!.handlers.onAction();
    await new Promise((r) => setTimeout(r, 0));
    expect(s.log.lines.some((l) => l.level === 'error' && l.fields?.error === 'vault locked')).toBe(true);
  });
});
