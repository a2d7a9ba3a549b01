import { describe, expect, it } from 'vitest';
import type { PlanStatus, StatusReport } from '../../core/schedule/status.js';
import { buildTrayMenu, roughly, trayStateFromStatus, type TrayMenuItem, type TrayState } from './tray-menu.js';

const NOW = Date.UTC(2025, 2, 1, 9);
const DAY = 86_400_000;

function plan(overrides: Partial<PlanStatus>): PlanStatus {
  return {
    id: 'pln_0000000000000000',
    name: 'Family',
    state: 'scheduled',
    phase: 'scheduled',
    level: 0,
    isTestPlan: false,
    activeMessages: 1,
    nextEvent: { kind: 'warning', level: 1, sending: false },
    nextEventAt: NOW + 30 * DAY,
    deliveryAt: NOW + 60 * DAY,
    ...overrides,
  };
}

function report(overrides: Partial<StatusReport>): StatusReport {
  return {
    now: NOW,
    plans: [],
    outbox: { pending: 0, sending: 0, sent: 0, failed: 0 } as StatusReport['outbox'],
    tests: { passed: 0, failed: 0, last: null },
    failures: [],
    lastTick: null,
    lastCheckinAt: null,
    openPrompts: [],
    owner: { emailSet: true },
    smtpConfigured: true,
    unattended: { enabled: true, backend: 'safeStorage:gnome_libsecret' },
    backup: { configured: false, lastSuccess: null, failingSince: null, lastError: null, nextAt: null },
    problems: [],
    ...overrides,
  };
}

const quiet: TrayState = {
  vaultExists: true,
  uiUnlocked: true,
  watching: true,
  notWatchingReason: null,
  level: 0,
  nextEvent: { what: 'warning 1', at: NOW + 3 * DAY },
  problems: 0,
};

const actions = (items: TrayMenuItem[]) =>
  items.flatMap((i) => (i.kind === 'action' ? [`${i.action}:${i.label}:${i.enabled ? 'on' : 'off'}`] : []));

describe('trayStateFromStatus', () => {
  it('takes the highest level of escalating plans and open prompts, and the soonest next event', () => {
    const state = trayStateFromStatus(
      report({
        plans: [
          plan({
            phase: 'waiting',
            level: 2,
            nextEvent: { kind: 'warning', level: 3, sending: false },
            nextEventAt: NOW + 2 * DAY,
          }),
          plan({
            phase: 'scheduled',
            level: 0,
            nextEventAt: NOW + DAY,
            nextEvent: { kind: 'warning', level: 1, sending: false },
          }),
          plan({ phase: 'paused', level: 4 }), // paused plans do not count
        ],
        openPrompts: [{ planId: null, level: 1, at: NOW, kind: 'warning' }],
        problems: [{ code: 'RECIPIENTS_SMTP_MISSING', params: {}, message: 'no SMTP' }],
      }),
      { uiUnlocked: false },
    );
    expect(state).toEqual({
      vaultExists: true,
      uiUnlocked: false,
      watching: true,
      notWatchingReason: null,
      level: 2,
      nextEvent: { what: 'warning 1', at: NOW + DAY },
      problems: 1,
    });
  });

  it('is level 0 with nothing escalating, and never above 5', () => {
    expect(trayStateFromStatus(report({ plans: [plan({})] }), { uiUnlocked: true }).level).toBe(0);
    expect(
      trayStateFromStatus(report({ openPrompts: [{ planId: null, level: 9, at: NOW, kind: 'warning' }] }), {
        uiUnlocked: true,
      }).level,
    ).toBe(5);
  });

  it('counts only warnings among the open prompts, not tests or notices', () => {
    const openPrompts = [
      { planId: null, level: 3, at: NOW, kind: 'test' as const },
      { planId: 'pln_1', level: 4, at: NOW, kind: 'notice' as const },
    ];
    expect(trayStateFromStatus(report({ openPrompts }), { uiUnlocked: true }).level).toBe(0);
  });
});

describe('buildTrayMenu', () => {
  it("all quiet: says when the next thing happens; I'm here / Open / Lock / Quit", () => {
    const model = buildTrayMenu(quiet, NOW);
    expect(model.level).toBe(0);
    expect(model.tooltip).toBe('Afterword: All quiet. Next: warning 1 in 3 days.');
    expect(model.items[0]).toEqual({ kind: 'label', label: 'All quiet. Next: warning 1 in 3 days.' });
    expect(actions(model.items)).toEqual([
      "checkin:I'm here:on",
      'open:Open Afterword:on',
      'lock:Lock:on',
      'quit:Quit (stops warnings on this computer):on',
    ]);
  });

  it('shows the current warning level', () => {
    const model = buildTrayMenu({ ...quiet, level: 3 }, NOW);
    expect(model.level).toBe(3);
    expect(model.tooltip).toContain('Warning 3 of 5: are you there?');
  });

  it("says why it is not watching, and disables I'm here", () => {
    const model = buildTrayMenu(
      { ...quiet, watching: false, level: 2, notWatchingReason: 'locked; unlock to resume warnings' },
      NOW,
    );
    expect(model.level).toBe(0);
    expect(model.tooltip).toBe('Afterword: Not watching: locked; unlock to resume warnings');
    expect(actions(model.items)[0]).toBe("checkin:I'm here:off");
  });

  it('Lock is off while the UI is locked; problems are counted', () => {
    const model = buildTrayMenu({ ...quiet, uiUnlocked: false, problems: 2 }, NOW);
    expect(actions(model.items)).toContain('lock:Lock:off');
    expect(model.tooltip).toContain('(2 problems: open Afterword)');
    expect(model.items[1]).toEqual({ kind: 'label', label: '2 problems: open Afterword' });
  });

  it('without a vault, invites to create one', () => {
    expect(buildTrayMenu({ ...quiet, vaultExists: false, watching: false }, NOW).tooltip).toBe(
      'Afterword: No vault yet: open Afterword to create one',
    );
  });
});

describe('roughly', () => {
  it('is coarse', () => {
    expect(roughly(-5)).toBe('now');
    expect(roughly(60_000)).toBe('in 1 minute');
    expect(roughly(90 * 60_000)).toBe('in 90 minutes');
    expect(roughly(5 * 3_600_000)).toBe('in 5 hours');
    expect(roughly(30 * DAY)).toBe('in 30 days');
  });
});
