import * as z from 'zod';
import { promptSchema } from './dto.js';
import { backupProgressSchema } from './backup-dto.js';

/** Pushed to the UI (IPC events in Electron, WebSocket messages from the runner). */
export const EVENTS = {
  'vault.lockChanged': z.object({ unlocked: z.boolean() }),
  'plan.stateChanged': z.object({ planId: z.string(), from: z.string(), to: z.string(), reason: z.string() }),
  'outbox.progress': z.object({ pending: z.number().int(), sent: z.number().int(), failed: z.number().int() }),
  'warning.awaiting': promptSchema(),
  'upload.progress': z.object({ uploadId: z.string(), received: z.number().int(), size: z.number().int() }),
  'backup.progress': backupProgressSchema(),
} as const;

export type EventName = keyof typeof EVENTS;
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;

/** One pushed event as it crosses any transport (IPC, the runner's socket): `{ event, payload }`. */
export type EventMessage = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];
