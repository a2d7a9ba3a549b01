// What a plan is doing and what comes next, as data: the contract carries these, and each front
// door (the UI in its language, the CLI and the tray in English) puts them into words.

export const PLAN_PHASES = [
  'created',
  'scheduled',
  'warning',
  'waiting',
  'triggered',
  'sent',
  'paused',
  'stopped',
] as const;
export type PlanPhase = (typeof PLAN_PHASES)[number];

/** A point of a plan's timeline if nobody checks in: warning N, or the delivery of the messages. */
export const TIMELINE_EVENTS = ['warning', 'delivery'] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];

/** What happens next if nobody checks in. `sending`: warning `level` is due and being sent now. */
export type NextEvent =
  { kind: 'warning'; level: number; sending: boolean } | { kind: 'delivery' } | { kind: 'pauseEnds' };

/** The CLI's and the tray's words for a timeline point: "warning 2", "messages delivered". */
export function timelineEventText(event: TimelineEvent, level: number): string {
  return event === 'warning' ? `warning ${level}` : 'messages delivered';
}

/** The CLI's and the tray's words for what comes next: "warning 2", "warning 1 being sent", "pause ends". */
export function nextEventText(next: NextEvent): string {
  switch (next.kind) {
    case 'warning':
      return next.sending ? `warning ${next.level} being sent` : `warning ${next.level}`;
    case 'delivery':
      return 'messages delivered';
    case 'pauseEnds':
      return 'pause ends';
  }
}
