import { nextEventText } from '../../../shared/plan-events.js';
import { LEVEL_COUNT } from '../../../shared/plans.js';
import type { StatusReport } from '../../core/schedule/status.js';

/** What the tray shows, reduced from the core's StatusReport and the session's own state. */
export interface TrayState {
  vaultExists: boolean;
  /** The password-unlocked UI session (the window can read content). */
  uiUnlocked: boolean;
  /** Whether the scheduler is ticking (on the device key, or on the UI session's key). */
  watching: boolean;
  /** Why it is not watching, in words that say what to do. */
  notWatchingReason: string | null;
  /** 0: all quiet; 1..5: the highest warning level issued and not yet answered. */
  level: number;
  nextEvent: { what: string; at: number } | null;
  problems: number;
}

export type TrayAction = 'checkin' | 'open' | 'lock' | 'quit';

export type TrayMenuItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean };

export interface TrayModel {
  level: number;
  tooltip: string;
  items: TrayMenuItem[];
}

const ESCALATING = new Set(['warning', 'waiting', 'triggered']);

export function trayStateFromStatus(report: StatusReport, session: { uiUnlocked: boolean }): TrayState {
  const levels = [
    0,
    ...report.plans.filter((p) => ESCALATING.has(p.phase)).map((p) => p.level),
    ...report.openPrompts.filter((p) => p.kind === 'warning').map((p) => p.level),
  ];
  const upcoming = report.plans
    .filter((p) => p.nextEvent !== null && p.nextEventAt !== null)
    .sort((a, b) => a.nextEventAt! - b.nextEventAt!)[0];
  return {
    vaultExists: true,
    uiUnlocked: session.uiUnlocked,
    watching: true,
    notWatchingReason: null,
    level: Math.min(LEVEL_COUNT, Math.max(...levels)),
    nextEvent: upcoming ? { what: nextEventText(upcoming.nextEvent!), at: upcoming.nextEventAt! } : null,
    problems: report.problems.length,
  };
}

/** "in 3 days", "in 5 hours", "in 12 minutes", "now": coarse on purpose, it is a tooltip. */
export function roughly(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes <= 0) return 'now';
  if (minutes < 120) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} hours`;
  return `in ${Math.round(hours / 24)} days`;
}

function headline(state: TrayState, now: number): string {
  if (!state.vaultExists) return 'No vault yet: open Afterword to create one';
  if (!state.watching) return `Not watching: ${state.notWatchingReason ?? 'the scheduler is stopped'}`;
  if (state.level > 0) return `Warning ${state.level} of ${LEVEL_COUNT}: are you there? Choose "I'm here"`;
  const next = state.nextEvent ? ` Next: ${state.nextEvent.what} ${roughly(state.nextEvent.at - now)}.` : '';
  return `All quiet.${next}`;
}

/** The tray's tooltip and menu: a status line, then I'm here / Open / Lock / Quit. */
export function buildTrayMenu(state: TrayState, now: number): TrayModel {
  const status = headline(state, now);
  const problems =
    state.problems > 0 ? ` (${state.problems} problem${state.problems === 1 ? '' : 's'}: open Afterword)` : '';
  return {
    level: state.watching ? state.level : 0,
    tooltip: `Afterword: ${status}${problems}`,
    items: [
      { kind: 'label', label: status },
      ...(problems ? [{ kind: 'label' as const, label: problems.trim().replace(/^\(|\)$/g, '') }] : []),
      { kind: 'separator' },
      { kind: 'action', action: 'checkin', label: "I'm here", enabled: state.watching },
      { kind: 'action', action: 'open', label: 'Open Afterword', enabled: true },
      { kind: 'action', action: 'lock', label: 'Lock', enabled: state.uiUnlocked },
      { kind: 'separator' },
      { kind: 'action', action: 'quit', label: 'Quit (stops warnings on this computer)', enabled: true },
    ],
  };
}
